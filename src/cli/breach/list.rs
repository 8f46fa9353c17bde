//! `breach list` (what is due, and the time left) and `breach update` (a follow-up row).

use chrono::{DateTime, FixedOffset};
use serde_json::json;

use super::super::{print_json, Ctx};
use crate::assessment::breach::{local_text, rfc3339, time_left_text};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::registers::breaches::{summarise, BreachLog, Summary};

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Only evaluations with a notification due and not yet done
    #[arg(long)]
    pub open: bool,
    /// Print one JSON object
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (one row per evaluation)
    #[arg(long)]
    pub csv: bool,
}

#[derive(clap::Args, Debug)]
pub struct UpdateArgs {
    /// The evaluation's id, e.g. b-2026-0001
    pub id: String,
    /// When IMY was notified (date-time with offset)
    #[arg(long, value_name = "DATETIME")]
    pub notified_imy_at: Option<String>,
    /// When the people concerned were told (date-time with offset)
    #[arg(long, value_name = "DATETIME")]
    pub subjects_informed_at: Option<String>,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run_list(ctx: &Ctx, a: ListArgs) -> Result<i32> {
    let ws = ctx.workspace()?;
    let now = crate::clock::now();
    let mut rows = summarise(&BreachLog::at(&ws).entries()?, now);
    if a.open {
        rows.retain(|s| s.open);
    }
    if a.json {
        print_json(&json!({ "now": rfc3339(now), "breaches": rows }));
    } else if a.csv {
        print_csv(&rows);
    } else {
        print_table(&rows, now);
    }
    Ok(0)
}

fn print_csv(rows: &[Summary]) {
    use std::io::Write;
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "id",
        "account",
        "breach",
        "level",
        "notify_imy",
        "notify_subjects",
        "aware_at",
        "imy_deadline",
        "notified_imy_at",
        "subjects_informed_at",
        "dpo_decision_required",
        "open",
        "hours_left",
        "overdue",
        "notified_late",
        "outcomes",
        "record",
    ]);
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    for s in rows {
        let _ = w.write_record([
            s.id.clone(),
            s.account.clone(),
            s.breach.clone(),
            opt(&s.level),
            s.notify_imy.to_string(),
            s.notify_subjects.to_string(),
            s.aware_at.clone(),
            opt(&s.imy_deadline),
            opt(&s.notified_imy_at),
            opt(&s.subjects_informed_at),
            s.dpo_decision_required.to_string(),
            s.open.to_string(),
            s.hours_left.map(|h| h.to_string()).unwrap_or_default(),
            s.overdue.to_string(),
            s.notified_late.to_string(),
            s.outcomes.join(" "),
            s.record.clone(),
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    let _ = std::io::stdout().write_all(&bytes);
}

fn parse(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// What remains to be done, in words.
fn status(s: &Summary, now: DateTime<FixedOffset>) -> String {
    let mut parts = Vec::new();
    match (&s.notified_imy_at, s.notify_imy) {
        (Some(n), _) => {
            let n = parse(n).map(local_text).unwrap_or_else(|| n.clone());
            parts.push(if s.notified_late {
                t(
                    &format!("IMY underrättad {n}, efter fristen"),
                    &format!("IMY notified {n}, after the deadline"),
                )
            } else {
                t(
                    &format!("IMY underrättad {n}"),
                    &format!("IMY notified {n}"),
                )
            });
        }
        (None, true) => {
            let left = s
                .imy_deadline
                .as_deref()
                .and_then(parse)
                .map(|d| time_left_text(d, now))
                .unwrap_or_default();
            parts.push(t(
                &format!("IMY ska underrättas – {left}"),
                &format!("IMY to be notified – {left}"),
            ));
        }
        (None, false) if s.dpo_decision_required => parts.push(t(
            "beslut väntar (den personuppgiftsansvarige)",
            "decision pending (the controller)",
        )),
        (None, false) => parts.push(t("ingen anmälan", "no notification")),
    }
    if s.notify_subjects {
        parts.push(match &s.subjects_informed_at {
            Some(_) => t("registrerade underrättade", "data subjects told"),
            None => t("registrerade ska underrättas", "data subjects to be told"),
        });
    }
    parts.join("; ")
}

fn print_table(rows: &[Summary], now: DateTime<FixedOffset>) {
    if rows.is_empty() {
        println!(
            "{}",
            t(
                "Inga bedömningar i incidentloggen.",
                "No evaluations in the breach log."
            )
        );
        return;
    }
    let head = [
        "ID".to_string(),
        t("Konto", "Account"),
        t("Incident", "Breach"),
        t("Nivå", "Level"),
        t("IMY-frist", "IMY deadline"),
        t("Status", "Status"),
    ];
    let lines: Vec<[String; 6]> = rows
        .iter()
        .map(|s| {
            [
                s.id.clone(),
                s.account.clone(),
                match s.breach.as_str() {
                    "yes" => t("ja", "yes"),
                    "no" => t("nej", "no"),
                    _ => t("oklart", "unsettled"),
                },
                s.level
                    .as_deref()
                    .map(crate::records::words::word)
                    .unwrap_or_else(|| "–".into()),
                s.imy_deadline
                    .as_deref()
                    .and_then(parse)
                    .map(local_text)
                    .unwrap_or_else(|| "–".into()),
                status(s, now),
            ]
        })
        .collect();
    let mut width = [0usize; 6];
    for l in std::iter::once(&head).chain(lines.iter()) {
        for (i, c) in l.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let fmt = |l: &[String; 6]| {
        let mut s = String::new();
        for (i, c) in l.iter().enumerate() {
            if i == 5 {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(width[i] - c.chars().count() + 2));
            }
        }
        s
    };
    let mut out = String::with_capacity(lines.len() * 120);
    out.push_str(&fmt(&head));
    out.push('\n');
    for l in &lines {
        out.push_str(&fmt(l));
        out.push('\n');
    }
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

fn datetime_option(v: &Option<String>, option: &str) -> Result<Option<DateTime<FixedOffset>>> {
    match v {
        None => Ok(None),
        // CONTRACT (rules 2026.12): options take RFC 3339 or Swedish local time.
        Some(s) => crate::clock::parse_instant(s).ok().map(Some).ok_or_else(|| {
            Error::input(t(
                &format!(
                    "'{s}' är ingen tidpunkt; skriv svensk tid, t.ex. 2026-11-21 14:00, eller med tidszon, 2026-11-21T14:00:00+01:00 (en timme som finns två gånger vid omställningen till vintertid ges med tidszon)"
                ),
                &format!(
                    "'{s}' is not a date-time; write Swedish local time, e.g. 2026-11-21 14:00, or with an offset, 2026-11-21T14:00:00+01:00 (an hour that occurs twice at the autumn change needs the offset)"
                ),
            ))
            .field(option)
        }),
    }
}

pub fn run_update(ctx: &Ctx, a: UpdateArgs) -> Result<i32> {
    let ws = ctx.workspace()?;
    let notified = datetime_option(&a.notified_imy_at, "--notified-imy-at")?;
    let informed = datetime_option(&a.subjects_informed_at, "--subjects-informed-at")?;
    if notified.is_none() && informed.is_none() {
        return Err(Error::Usage(t(
            "ange --notified-imy-at DATUMTID och/eller --subjects-informed-at DATUMTID",
            "give --notified-imy-at DATETIME and/or --subjects-informed-at DATETIME",
        )));
    }
    let summary = crate::pipeline::breach::follow_up(&ws, &a.id, notified, informed)?;
    if a.json {
        print_json(&json!({
            "id": summary.id,
            "notified_imy_at": summary.notified_imy_at,
            "subjects_informed_at": summary.subjects_informed_at,
            "notified_late": summary.notified_late,
            "open": summary.open,
        }));
    } else {
        println!("{}: {}", summary.id, status(&summary, crate::clock::now()));
        if summary.notified_late {
            println!(
                "{}",
                t(
                    "Anmälan gjordes efter 72-timmarsfristen: ange skälen till förseningen (art. 33.1).",
                    "The notification was made after the 72-hour deadline: give the reasons for the delay (Art. 33(1)).",
                )
            );
        }
    }
    Ok(0)
}
