//! The annual report: per committee (nämnd) and for the whole organisation, the year's
//! figures from the registers — accounts and their statuses, assessments done and overdue,
//! exposure, actions, breaches and their deadlines, consents, take-downs. Pure: registers in,
//! figures out; the CLI writes the PDFs and the CSV.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::lifecycle::actions::State;
use crate::lifecycle::follow_up::Snapshot;
use crate::lifecycle::Status;
use crate::registers::breaches::Summary;
use crate::registers::consents::Consent;
use crate::registers::publications::Publication;

/// The registers the report reads besides the snapshot.
pub struct Inputs<'a> {
    pub snapshot: &'a Snapshot,
    pub breaches: &'a [Summary],
    pub consents: &'a [Consent],
    pub publications: &'a [Publication],
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Figures {
    /// The committee, or `None` for the whole organisation.
    pub committee: Option<String>,
    pub year: i32,
    pub accounts: usize,
    pub applied: usize,
    pub approved: usize,
    pub active: usize,
    pub closed: usize,
    pub rejected: usize,
    /// Applications received in the year.
    pub applications: usize,
    pub assessments_done: usize,
    /// Followed-up accounts never assessed, or whose review date had passed at the report's
    /// date.
    pub assessments_overdue: usize,
    pub exposure_high: usize,
    pub exposure_medium: usize,
    pub exposure_low: usize,
    pub exposure_unassessed: usize,
    pub actions_opened: usize,
    pub actions_open: usize,
    pub actions_open_overdue: usize,
    pub actions_done: usize,
    pub actions_resolved: usize,
    pub breaches_evaluated: usize,
    pub breaches_yes: usize,
    pub breaches_notified_imy: usize,
    pub imy_deadlines_met: usize,
    pub imy_deadlines_missed: usize,
    pub consents_registered: usize,
    pub consents_withdrawn: usize,
    /// Publications on a withdrawal's take-down list in the year.
    pub takedowns_listed: usize,
}

fn year_of(s: &str) -> Option<i32> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.year())
}

/// The committees the registers name, in order.
pub fn committees(s: &Snapshot) -> Vec<String> {
    s.accounts
        .iter()
        .map(|a| a.owner.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The figures for one committee (`Some`) or the whole organisation (`None`).
pub fn figures(i: &Inputs, year: i32, committee: Option<&str>) -> Figures {
    let s = i.snapshot;
    let accounts: Vec<_> = s
        .accounts
        .iter()
        .filter(|a| committee.is_none_or(|c| a.owner == c))
        .collect();
    let ids: BTreeSet<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let mut f = Figures {
        committee: committee.map(str::to_string),
        year,
        accounts: accounts.len(),
        ..Figures::default()
    };
    // The report's date: the year's end, or today while the year runs.
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year");
    let on = end.min(s.today);
    for a in &accounts {
        match s.status(&a.id) {
            Status::Applied => f.applied += 1,
            Status::Approved => f.approved += 1,
            Status::Active => f.active += 1,
            Status::Closed => f.closed += 1,
            Status::Rejected => f.rejected += 1,
        }
        if s.histories
            .of(&a.id)
            .iter()
            .any(|c| c.status == Status::Applied && year_of(&c.at) == Some(year))
        {
            f.applications += 1;
        }
        if s.status(&a.id).followed_up() {
            // Never assessed counts as overdue, as in `account list --overdue`.
            if s.last_assessed(&a.id).is_none() || s.review_date(a) < on {
                f.assessments_overdue += 1;
            }
            match s
                .assessments
                .iter()
                .rev()
                .find(|e| e.account == a.id)
                .map(|e| e.exposure.as_str())
            {
                Some("high") => f.exposure_high += 1,
                Some("medium") => f.exposure_medium += 1,
                Some("low") => f.exposure_low += 1,
                _ => f.exposure_unassessed += 1,
            }
        }
    }
    f.assessments_done = s
        .assessments
        .iter()
        .filter(|e| ids.contains(e.account.as_str()) && year_of(&e.assessed_at) == Some(year))
        .count();
    for x in s
        .actions
        .iter()
        .filter(|x| ids.contains(x.account.as_str()))
    {
        if year_of(&x.opened_at) == Some(year) {
            f.actions_opened += 1;
        }
        let ended_this_year = x.ended_at.as_deref().and_then(year_of) == Some(year);
        match x.status {
            State::Open => {
                f.actions_open += 1;
                if x.overdue {
                    f.actions_open_overdue += 1;
                }
            }
            State::Done if ended_this_year => f.actions_done += 1,
            State::Resolved if ended_this_year => f.actions_resolved += 1,
            _ => {}
        }
    }
    let now: DateTime<FixedOffset> = crate::clock::now();
    for b in i
        .breaches
        .iter()
        .filter(|b| ids.contains(b.account.as_str()) && year_of(&b.aware_at) == Some(year))
    {
        f.breaches_evaluated += 1;
        if b.breach == "yes" {
            f.breaches_yes += 1;
        }
        if b.notify_imy {
            let deadline = b
                .imy_deadline
                .as_deref()
                .and_then(|d| DateTime::parse_from_rfc3339(d).ok());
            match (
                b.notified_imy_at
                    .as_deref()
                    .and_then(|n| DateTime::parse_from_rfc3339(n).ok()),
                deadline,
            ) {
                (Some(n), Some(d)) => {
                    f.breaches_notified_imy += 1;
                    if n <= d {
                        f.imy_deadlines_met += 1;
                    } else {
                        f.imy_deadlines_missed += 1;
                    }
                }
                (Some(_), None) => f.breaches_notified_imy += 1,
                (None, Some(d)) if now > d => f.imy_deadlines_missed += 1,
                _ => {}
            }
        }
    }
    let in_scope = |c: &Consent| c.channels.iter().any(|ch| ids.contains(ch.as_str()));
    let mut withdrawn_ids = BTreeSet::new();
    for c in i.consents.iter().filter(|c| in_scope(c)) {
        if year_of(&c.given_at) == Some(year) {
            f.consents_registered += 1;
        }
        if let Some(w) = &c.withdrawal {
            if year_of(&w.withdrawn_at) == Some(year) {
                f.consents_withdrawn += 1;
                withdrawn_ids.insert(c.consent_id.as_str());
            }
        }
    }
    f.takedowns_listed = i
        .publications
        .iter()
        .filter(|p| {
            ids.contains(p.channel.as_str())
                && p.decision != "not_allowed"
                && p.consent_ids
                    .iter()
                    .any(|c| withdrawn_ids.contains(c.as_str()))
        })
        .count();
    f
}

impl Figures {
    /// (key, Swedish label, English label, value) in report order: the CSV's rows and the
    /// PDF's tables read the same list.
    pub fn rows(&self) -> Vec<(&'static str, &'static str, &'static str, usize)> {
        vec![
            ("accounts", "Konton", "Accounts", self.accounts),
            (
                "applied",
                "Ansökta (ej beslutade)",
                "Applied (not decided)",
                self.applied,
            ),
            ("approved", "Beviljade", "Approved", self.approved),
            ("active", "I bruk", "Active", self.active),
            ("closed", "Avvecklade", "Closed", self.closed),
            ("rejected", "Avslagna", "Rejected", self.rejected),
            (
                "applications",
                "Ansökningar under året",
                "Applications in the year",
                self.applications,
            ),
            (
                "assessments_done",
                "Bedömningar gjorda",
                "Assessments done",
                self.assessments_done,
            ),
            (
                "assessments_overdue",
                "Konton med försenad bedömning",
                "Accounts with an overdue assessment",
                self.assessments_overdue,
            ),
            (
                "exposure_high",
                "Exponering hög",
                "Exposure high",
                self.exposure_high,
            ),
            (
                "exposure_medium",
                "Exponering medel",
                "Exposure medium",
                self.exposure_medium,
            ),
            (
                "exposure_low",
                "Exponering låg",
                "Exposure low",
                self.exposure_low,
            ),
            (
                "exposure_unassessed",
                "Inte bedömda",
                "Not assessed",
                self.exposure_unassessed,
            ),
            (
                "actions_opened",
                "Åtgärder öppnade",
                "Actions opened",
                self.actions_opened,
            ),
            (
                "actions_open",
                "Åtgärder öppna",
                "Actions open",
                self.actions_open,
            ),
            (
                "actions_open_overdue",
                "Varav försenade",
                "Of which overdue",
                self.actions_open_overdue,
            ),
            (
                "actions_done",
                "Åtgärder klara",
                "Actions done",
                self.actions_done,
            ),
            (
                "actions_resolved",
                "Åtgärder lösta vid ny bedömning",
                "Actions resolved by re-assessment",
                self.actions_resolved,
            ),
            (
                "breaches_evaluated",
                "Incidenter bedömda",
                "Breaches evaluated",
                self.breaches_evaluated,
            ),
            (
                "breaches_yes",
                "Varav personuppgiftsincidenter",
                "Of which personal data breaches",
                self.breaches_yes,
            ),
            (
                "breaches_notified_imy",
                "Anmälda till IMY",
                "Notified to IMY",
                self.breaches_notified_imy,
            ),
            (
                "imy_deadlines_met",
                "72-timmarsfristen hållen",
                "72-hour deadline met",
                self.imy_deadlines_met,
            ),
            (
                "imy_deadlines_missed",
                "72-timmarsfristen missad",
                "72-hour deadline missed",
                self.imy_deadlines_missed,
            ),
            (
                "consents_registered",
                "Samtycken registrerade",
                "Consents registered",
                self.consents_registered,
            ),
            (
                "consents_withdrawn",
                "Samtycken återkallade",
                "Consents withdrawn",
                self.consents_withdrawn,
            ),
            (
                "takedowns_listed",
                "Publiceringar att ta ned (återkallade samtycken)",
                "Publications to take down (withdrawn consents)",
                self.takedowns_listed,
            ),
        ]
    }
}

/// The CSV for Excel: semicolon-separated, UTF-8 with BOM (Swedish Excel), one row per scope
/// and figure. Fields are quoted when they hold a separator, a quote or a leading formula
/// character is neutralised.
pub fn csv(all: &[Figures]) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    let q = |s: &str| -> String {
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([';', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let en = crate::i18n::current() == crate::i18n::Lang::En;
    out.extend_from_slice(
        if en {
            "year;committee;figure;label;value\r\n"
        } else {
            "år;nämnd;nyckel;mått;värde\r\n"
        }
        .as_bytes(),
    );
    for f in all {
        let scope = f
            .committee
            .clone()
            .unwrap_or_else(|| crate::i18n::t("Hela organisationen", "Whole organisation"));
        for (key, sv, enl, v) in f.rows() {
            let label = if en { enl } else { sv };
            out.extend_from_slice(
                format!("{};{};{key};{};{v}\r\n", f.year, q(&scope), q(label)).as_bytes(),
            );
        }
    }
    out
}
