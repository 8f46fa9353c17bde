//! `dataskydd account apply | decide | close | due`: the account's life on the command line.
//! Parses options, calls `lifecycle`, prints (text, or one JSON object with `--json`).

use std::path::PathBuf;

use serde_json::{json, Value};

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::lifecycle::decision::Verdict;
use crate::lifecycle::follow_up::{self, Snapshot};
use crate::lifecycle::{steps, Status};
use crate::pipeline::application::AccountApplication;
use crate::pipeline::closing::AccountClosing;
use crate::pipeline::decision::AccountDecision;
use crate::pipeline::{self, Answers, Options};
use crate::questionnaire::{self, resume, Questionnaire};
use crate::workspace::Workspace;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Apply for a new account: purpose, measurable goals, two administrators, monitoring
    #[command(after_help = "Exempel / examples:\n  \
        dataskydd account apply runbacka-ig                  (frågar i terminalen / asks on the terminal)\n  \
        dataskydd account apply runbacka-ig --answers ansokan.toml --json")]
    Apply {
        /// The new account's id: a–z, 0–9 and -, at most 64 characters
        id: String,
        /// Read the answers from this TOML file instead of asking
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Evaluate only: write no files at all
        #[arg(long)]
        dry_run: bool,
        /// Where to write the PDF (default: the workspace's output/)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Decide on an application: approve or reject, with reasons, signed by who decided
    #[command(after_help = "Exempel / examples:\n  \
        dataskydd account decide runbacka-ig --approve --reason \"Uppfyller policyn\" \\\n    \
        --signer \"Rektor Eva Lind\" --signer \"Utbildningskontoret Omar Haddad\"\n  \
        dataskydd account decide fotoklubb-tt --reject --reason \"Verksamheten når målgruppen via skolans konto\"\n\n\
        Two signatures are needed when dataskydd.toml says [account_life] decision_signatures = 2.")]
    Decide {
        id: String,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        approve: bool,
        #[arg(long)]
        reject: bool,
        /// The reasons for the decision
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Who decides and signs (a key in keys/, by the certificate's name); repeat for two
        #[arg(long, value_name = "NAME")]
        signer: Vec<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Close an account: Nyköping's closing checklist, a signed closing record
    #[command(after_help = "Exempel / examples:\n  \
        dataskydd account close gamla-bloggen\n  \
        dataskydd account close gamla-bloggen --answers avveckling.toml --json")]
    Close {
        id: String,
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// What is due: reviews within N days (and overdue), open must-actions past due
    #[command(after_help = "Exempel / examples:\n  \
        dataskydd account due\n  \
        dataskydd account due --within 60d --json\n  \
        dataskydd account due --ics uppfoljning.ics       (kalenderfil för Outlook / calendar file)")]
    Due {
        /// Horizon: days, e.g. 30d or 30 (default: [account_life] due_within_days, 30)
        #[arg(long, value_name = "DAYS")]
        within: Option<String>,
        /// Write the reminders as an iCalendar file (RFC 5545) for Outlook
        #[arg(long, value_name = "FILE.ics")]
        ics: Option<PathBuf>,
        /// Replace an existing file that is not a calendar this tool wrote
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    let ws = ctx.workspace()?;
    match c {
        Command::Apply {
            id,
            answers,
            json,
            dry_run,
            out,
        } => apply(&ws, &id, answers, json, dry_run, out),
        Command::Decide {
            id,
            approve,
            reject: _,
            reason,
            signer,
            json,
            out,
        } => decide(
            &ws,
            &id,
            if approve {
                Verdict::Approve
            } else {
                Verdict::Reject
            },
            &reason,
            &signer,
            json,
            out,
        ),
        Command::Close {
            id,
            answers,
            json,
            out,
        } => close(&ws, &id, answers, json, out),
        Command::Due {
            within,
            ics,
            force,
            json,
        } => due(&ws, within.as_deref(), ics, force, json),
    }
}

/// Reads an answers file, or asks on the terminal (resumable), for questionnaire `q`.
fn answers_text(
    ws: &Workspace,
    q: &Questionnaire,
    kind: &str,
    id: &str,
    file: &Option<PathBuf>,
) -> Result<(String, PathBuf)> {
    if let Some(f) = file {
        let text = crate::input::read_text(f, crate::input::ANSWERS_LIMIT)?;
        return Ok((text, f.clone()));
    }
    let dir = ws.answers_dir(kind);
    let start = resume::Start::Fresh(json!({}));
    let text = resume::ask_kept(q, &dir, id, start, &questionnaire::NoChoices)?;
    Ok((text, dir.join(format!("{id}.toml"))))
}

pub(super) fn apply(
    ws: &Workspace,
    id: &str,
    file: Option<PathBuf>,
    json_out: bool,
    dry_run: bool,
    out: Option<PathBuf>,
) -> Result<i32> {
    let kind = AccountApplication::new(ws, id)?;
    let q = Questionnaire::load("application")?;
    let (text, path) = answers_text(ws, &q, "apply", id, &file)?;
    let opts = Options {
        dry_run,
        out,
        // An interactive run has kept its answers already, after every question.
        keep_answers: file.is_some(),
    };
    let done = pipeline::run(ws, &kind, Answers::toml(text, path), &opts)?;
    let (result, out_json, pdf) = (&done.outcome, &done.json, done.record());
    if let Some(f) = result.findings.iter().find(|f| f.code == "ADMINS-TOO-FEW") {
        eprintln!("{} {}", t("Varning:", "Warning:"), f.text);
    }
    if json_out {
        print_json(out_json);
        return Ok(0);
    }
    if let Some(p) = pdf {
        println!("{}", p.display());
    }
    println!(
        "{}",
        t(
            &format!("Ansökan om kontot {id} är registrerad (status: ansökt). Beslut: dataskydd account decide {id} --approve|--reject --reason TEXT"),
            &format!("The application for {id} is registered (status: applied). Decide: dataskydd account decide {id} --approve|--reject --reason TEXT"),
        )
    );
    for f in &result.findings {
        println!("{}", crate::records::words::finding(f));
    }
    Ok(0)
}

pub(super) fn decide(
    ws: &Workspace,
    id: &str,
    verdict: Verdict,
    reason: &str,
    signer_names: &[String],
    json_out: bool,
    out: Option<PathBuf>,
) -> Result<i32> {
    let kind = AccountDecision::new(ws, id, signer_names)?;
    let opts = Options {
        out,
        ..Options::default()
    };
    let done = pipeline::run(ws, &kind, AccountDecision::answers(verdict, reason), &opts)?;
    let (result, out_json) = (&done.outcome, &done.json);
    let pdf = done.record().unwrap_or(std::path::Path::new(""));
    if json_out {
        print_json(out_json);
    } else {
        println!("{}", pdf.display());
        println!(
            "{}",
            t(
                &format!(
                    "Kontot {id} är {} ({}).",
                    verdict.status().label(),
                    result
                        .decided_by
                        .iter()
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" och ")
                ),
                &format!(
                    "The account {id} is {} ({}).",
                    verdict.status().label(),
                    result
                        .decided_by
                        .iter()
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )
        );
    }
    Ok(0)
}

pub(super) fn close(
    ws: &Workspace,
    id: &str,
    file: Option<PathBuf>,
    json_out: bool,
    out: Option<PathBuf>,
) -> Result<i32> {
    let kind = AccountClosing::new(ws, id)?;
    let q = Questionnaire::load("closing")?;
    let (text, path) = answers_text(ws, &q, "close", id, &file)?;
    let opts = Options {
        out,
        keep_answers: file.is_some(),
        ..Options::default()
    };
    let done = pipeline::run(ws, &kind, Answers::toml(text, path), &opts)?;
    let (out_json, pdf) = (
        &done.json,
        done.record().unwrap_or(std::path::Path::new("")),
    );
    let n = out_json["closed_actions"].as_array().map_or(0, Vec::len);
    if json_out {
        print_json(out_json);
    } else {
        println!("{}", pdf.display());
        println!(
            "{}",
            t(
                &format!("Kontot {id} är avvecklat; {n} öppna åtgärder stängdes."),
                &format!("The account {id} is closed; {n} open actions were closed."),
            )
        );
    }
    Ok(0)
}

/// `30d`, `30` → 30 days.
fn parse_within(s: &str) -> Result<u32> {
    s.trim()
        .strip_suffix('d')
        .unwrap_or(s.trim())
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= 3660)
        .ok_or_else(|| {
            Error::input(t(
                &format!("'{s}' är inget antal dagar (t.ex. 30d eller 90)"),
                &format!("'{s}' is not a number of days (e.g. 30d or 90)"),
            ))
            .field("--within")
        })
}

pub(super) fn due(
    ws: &Workspace,
    within: Option<&str>,
    ics: Option<PathBuf>,
    force: bool,
    json_out: bool,
) -> Result<i32> {
    let within = match within {
        Some(s) => parse_within(s)?,
        None => ws.config.account_life.due_within_days,
    };
    let s = Snapshot::read(ws)?;
    let org = ws.config.organisation.name.clone();
    let list = follow_up::due(&s, within, &org);
    if let Some(path) = &ics {
        steps::write_ics(
            ws,
            path,
            force,
            &follow_up::calendar(&list, &org, crate::clock::now()),
        )?;
    }
    if json_out {
        let mut v = serde_json::to_value(&list).expect("serialises");
        if let Some(p) = &ics {
            v["ics"] = json!(p.display().to_string());
        }
        print_json(&v);
        return Ok(0);
    }
    if list.reviews.is_empty() {
        println!(
            "{}",
            t(
                &format!("Inga uppföljningar inom {within} dagar."),
                &format!("No reviews due within {within} days.")
            )
        );
    } else {
        println!(
            "{:<28} {:<12} {:<10} {:<24} {}",
            t("konto", "account"),
            t("uppföljning", "review"),
            "",
            t("ansvarig", "responsible"),
            t("nämnd", "committee")
        );
        for r in &list.reviews {
            let state = if r.overdue {
                t(
                    &format!("{} d sen", -r.days),
                    &format!("{} d late", -r.days),
                )
            } else {
                t(&format!("om {} d", r.days), &format!("in {} d", r.days))
            };
            println!(
                "{:<28} {:<12} {:<10} {:<24} {}",
                r.account, r.review_on, state, r.responsible, r.owner
            );
        }
    }
    if !list.overdue_actions.is_empty() {
        println!(
            "\n{}",
            t("Försenade ska-åtgärder:", "Overdue must-actions:")
        );
        for a in &list.overdue_actions {
            println!(
                "  {} {} ({}, {} {}, {}): {}",
                a.id,
                a.account,
                a.code,
                t("senast", "due"),
                a.due,
                a.owner,
                a.text
            );
        }
    }
    if let Some(p) = &ics {
        eprintln!(
            "{}",
            t(
                &format!(
                    "Kalenderfil: {} ({} påminnelser)",
                    p.display(),
                    list.reviews.len()
                ),
                &format!(
                    "Calendar file: {} ({} reminders)",
                    p.display(),
                    list.reviews.len()
                ),
            )
        );
    }
    Ok(0)
}

pub fn print_life(v: &Value) {
    let status = v["status"]
        .as_str()
        .and_then(Status::parse)
        .unwrap_or(Status::Active);
    println!("  {}: {}", t("status", "status"), status.label());
    if let Some(r) = v["review_on"].as_str() {
        println!("  {}: {r}", t("nästa uppföljning", "next review"));
    }
    if let Some(goals) = v["goals"].as_array().filter(|g| !g.is_empty()) {
        println!("  {}:", t("mål", "goals"));
        for g in goals {
            println!(
                "    - {} ({}: {}; {}: {})",
                g["goal"].as_str().unwrap_or_default(),
                t("indikator", "indicator"),
                g["indicator"].as_str().unwrap_or_default(),
                t("målvärde", "target"),
                g["target"].as_str().unwrap_or_default()
            );
        }
    }
    if let Some(admins) = v["admins_named"].as_array().filter(|g| !g.is_empty()) {
        let names: Vec<String> = admins
            .iter()
            .map(|a| {
                let role = a["role"].as_str().unwrap_or_default();
                let name = a["name"].as_str().unwrap_or_default();
                if role.is_empty() {
                    name.to_string()
                } else {
                    format!("{name} ({role})")
                }
            })
            .collect();
        println!(
            "  {}: {}",
            t("administratörer", "administrators"),
            names.join(", ")
        );
    }
    if let Some(actions) = v["actions"].as_array().filter(|a| !a.is_empty()) {
        println!("  {}:", t("åtgärder", "actions"));
        for a in actions {
            println!(
                "    {} {} {} ({}, {} {}): {}",
                a["id"].as_str().unwrap_or_default(),
                crate::records::words::word(a["level"].as_str().unwrap_or_default()),
                crate::records::words::word(a["status"].as_str().unwrap_or_default()),
                a["owner"].as_str().unwrap_or_default(),
                t("senast", "due"),
                a["due"].as_str().unwrap_or_default(),
                a["text"].as_str().unwrap_or_default()
            );
        }
    }
    if let Some(hist) = v["history"].as_array().filter(|a| !a.is_empty()) {
        println!("  {}:", t("historik", "history"));
        for c in hist {
            let st = c["status"]
                .as_str()
                .and_then(Status::parse)
                .map(|s| s.label())
                .unwrap_or_default();
            println!(
                "    {}  {:<10} {}: {}",
                c["at"].as_str().unwrap_or_default(),
                st,
                c["by"].as_str().unwrap_or_default(),
                c["reason"].as_str().unwrap_or_default()
            );
            if let Some(r) = c["record"].as_str().filter(|r| !r.is_empty()) {
                println!("      {r}");
            }
        }
    }
}
