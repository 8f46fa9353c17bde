//! `dataskydd account apply | decide | close | due`: the account's life on the command line.
//! Parses options, calls `lifecycle`, prints (text, or one JSON object with `--json`).

use std::io::IsTerminal;
use std::path::PathBuf;

use serde_json::{json, Value};

use super::{print_json, Ctx};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::lifecycle::decision::{self, Decider, Verdict};
use crate::lifecycle::follow_up::{self, Snapshot};
use crate::lifecycle::history::{self, Histories};
use crate::lifecycle::{application, closing, Status};
use crate::questionnaire::{self, Questionnaire};
use crate::record::{self, Record};
use crate::registers::account_history::Change;
use crate::registers::accounts::{self, Account};
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
    start: Value,
) -> Result<(String, PathBuf)> {
    if let Some(f) = file {
        return Ok((std::fs::read_to_string(f).at(f)?, f.clone()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(questionnaire::prompt::no_terminal());
    }
    let dir = ws.answers_dir(kind);
    crate::workspace::create_private_dir(&dir)?;
    let partial = dir.join(format!("{id}.partial.json"));
    let saved = dir.join(format!("{id}.toml"));
    let start = match std::fs::read_to_string(&partial) {
        Ok(s) => {
            eprintln!(
                "{}",
                t("Fortsätter där du slutade.", "Resuming where you left off.")
            );
            serde_json::from_str(&s).unwrap_or(start)
        }
        Err(_) => start,
    };
    let mut save = |v: &Value| crate::workspace::write_atomic(&partial, v.to_string().as_bytes());
    let answers = questionnaire::ask(q, &mut questionnaire::Terminal, &start, None, &mut save)?;
    let text = q.to_toml(&answers);
    crate::workspace::write_atomic(&saved, text.as_bytes())?;
    let _ = std::fs::remove_file(&partial);
    Ok((text, saved))
}

fn unknown_account(ws: &Workspace, id: &str) -> Error {
    Error::input(t(
        &format!("kontot '{id}' finns inte; se `dataskydd account list`"),
        &format!("the account '{id}' does not exist; see `dataskydd account list`"),
    ))
    .in_file(&ws.accounts_csv())
    .field("ID")
}

fn find_account(ws: &Workspace, id: &str) -> Result<Account> {
    accounts::check_id(id).map_err(|e| e.field("ID"))?;
    accounts::read_all(&ws.accounts_csv())?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| unknown_account(ws, id))
}

fn yes_no(b: bool) -> String {
    if b {
        t("ja", "yes")
    } else {
        t("nej", "no")
    }
}

fn findings_json(f: &[crate::finding::Finding]) -> Vec<Value> {
    f.iter()
        .map(|f| {
            json!({"code": f.code, "text": f.text, "sources": f.sources.join("; "),
                   "because": f.because.join(", "), "unsettled": f.unsettled})
        })
        .collect()
}

fn signer_name(ws: &Workspace) -> String {
    super::keys::cached_signer(ws)
        .map(|s| s.name().to_string())
        .unwrap_or_default()
}

pub(super) fn apply(
    ws: &Workspace,
    id: &str,
    file: Option<PathBuf>,
    json_out: bool,
    dry_run: bool,
    out: Option<PathBuf>,
) -> Result<i32> {
    accounts::check_id(id).map_err(|e| e.field("ID"))?;
    if accounts::read_all(&ws.accounts_csv())?
        .iter()
        .any(|a| a.id == id)
    {
        return Err(Error::input(t(
            &format!("kontot '{id}' finns redan i registret; välj ett annat id för en ny ansökan"),
            &format!("the account '{id}' is already in the register; choose another id for a new application"),
        ))
        .in_file(&ws.accounts_csv())
        .field("ID"));
    }
    let q = Questionnaire::load("application")?;
    let (text, path) = answers_text(ws, &q, "apply", id, &file, json!({}))?;
    let answers = q.validate(&text, &path)?;
    let typed: application::Answers =
        serde_json::from_value(answers).map_err(|e| Error::input(e.to_string()).in_file(&path))?;
    application::check(&typed, &text, &path)?;
    accounts::check_platform(&typed.account.platform).map_err(|e| {
        let e = e.in_file(&path).field("account.platform");
        match application::key_line(&text, "account.platform") {
            Some(n) => e.at_line(n),
            None => e,
        }
    })?;
    check_owner(ws, &typed.account.owner_unit, &text, &path)?;
    let result = application::evaluate(id, &typed);
    if application::distinct_admins(&typed.admins) < 2 {
        if let Some(f) = result.findings.iter().find(|f| f.code == "ADMINS-TOO-FEW") {
            eprintln!("{} {}", t("Varning:", "Warning:"), f.text);
        }
    }
    let mut out_json = serde_json::to_value(&result).expect("serialises");
    if !dry_run {
        let now = crate::clock::now();
        let out_dir = out.unwrap_or_else(|| ws.output_dir());
        let data = json!({
            "org": ws.config.organisation.name,
            "account": id,
            "name": result.name,
            "platform": result.platform,
            "url": if result.url.is_empty() { "–".to_string() } else { result.url.clone() },
            "owner_unit": result.owner_unit,
            "responsible": result.responsible,
            "date": now.format("%Y-%m-%d").to_string(),
            "questionnaire_version": q.version,
            "purpose": result.purpose,
            "task_basis": if result.task_basis.is_empty() { t("inte angiven", "not stated") } else { result.task_basis.clone() },
            "audience": result.audience,
            "goals": result.goals,
            "admins": result.admins,
            "monitoring_by": result.monitoring.by,
            "monitoring_frequency": q.question("monitoring.frequency").map(|x| x.label(serde_json::to_value(result.monitoring.frequency).expect("enum").as_str().unwrap_or_default())).unwrap_or_default(),
            "weekends": yes_no(result.monitoring.weekends),
            "response_hours": result.monitoring.response_hours,
            "publishing_frequency": q.question("publishing.frequency").map(|x| x.label(serde_json::to_value(result.publishing.frequency).expect("enum").as_str().unwrap_or_default())).unwrap_or_default(),
            "moderation": yes_no(result.moderation_routine),
            "pupils": yes_no(result.pupils),
            "sensitive": yes_no(result.sensitive),
            "findings": findings_json(&result.findings),
            "actions": result.actions.iter().map(|a| json!({"level": match a.level { crate::finding::Level::Must => t("SKA", "MUST"), crate::finding::Level::Should => t("BÖR", "SHOULD") }, "text": a.text})).collect::<Vec<_>>(),
            "has_actions": !result.actions.is_empty(),
        });
        let rec = Record {
            template: "application",
            data,
            answers_toml: Some(text.clone()),
            result: out_json.clone(),
            title: format!("{} – {id}", t("Ansökan om konto", "Account application")),
            reason: t(
                "Ansökan om konto i sociala medier",
                "Application for a social media account",
            ),
            file_stem: format!("ansokan-{id}-{}", now.format("%Y%m%d")),
        };
        let pdf = record::write(ws, &rec, &out_dir)?;
        let saved = ws.answers_dir("apply").join(format!("{id}.toml"));
        if file.is_some() {
            crate::workspace::ensure_private_dir(&ws.answers_dir("apply"))?;
            crate::workspace::write_atomic(&saved, text.as_bytes())?;
        }
        accounts::add(
            &ws.accounts_csv(),
            &Account {
                id: id.to_string(),
                platform: result.platform.clone(),
                owner: result.owner_unit.clone(),
                name: result.name.clone(),
                url: result.url.clone(),
                responsible: result.responsible.clone(),
                admins: Some(application::distinct_admins(&result.admins) as u32),
                purpose: result.purpose.clone(),
                added_at: now.to_rfc3339(),
            },
        )?;
        history::record(
            ws,
            &Change {
                line: 0,
                at: now.to_rfc3339(),
                account: id.to_string(),
                status: Status::Applied,
                by: signer_name(ws),
                reason: t("ansökan om nytt konto", "application for a new account"),
                record: pdf.display().to_string(),
                goals: result.goals.clone(),
                admins: result.admins.clone(),
            },
        )?;
        out_json["record"] = json!(pdf.display().to_string());
        if !json_out {
            println!("{}", pdf.display());
        }
    }
    if json_out {
        print_json(&out_json);
    } else {
        println!(
            "{}",
            t(
                &format!("Ansökan om kontot {id} är registrerad (status: ansökt). Beslut: dataskydd account decide {id} --approve|--reject --reason TEXT"),
                &format!("The application for {id} is registered (status: applied). Decide: dataskydd account decide {id} --approve|--reject --reason TEXT"),
            )
        );
        for f in &result.findings {
            println!("  {}: {} [{}]", f.code, f.text, f.sources.join("; "));
        }
    }
    Ok(0)
}

/// DOMAIN A6: the owner is one of the organisation's committees or companies (an empty
/// list accepts any name).
fn check_owner(ws: &Workspace, owner: &str, text: &str, path: &std::path::Path) -> Result<()> {
    let org = &ws.config.organisation;
    let known: Vec<&String> = org.committees.iter().chain(&org.companies).collect();
    if known.is_empty() || known.iter().any(|k| k.as_str() == owner) {
        return Ok(());
    }
    let list = known
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut e = Error::input(t(
        &format!("'{owner}' är ingen av organisationens nämnder eller bolag i dataskydd.toml ({list})"),
        &format!("'{owner}' is none of the organisation's committees or companies in dataskydd.toml ({list})"),
    ))
    .in_file(path)
    .field("account.owner_unit");
    if let Some(n) = application::key_line(text, "account.owner_unit") {
        e = e.at_line(n);
    }
    Err(e)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
    ws: &Workspace,
    id: &str,
    verdict: Verdict,
    reason: &str,
    signer_names: &[String],
    json_out: bool,
    out: Option<PathBuf>,
) -> Result<i32> {
    let account = find_account(ws, id)?;
    let h = Histories::read(ws)?;
    history::check_transition(id, h.status(id), verdict.status())
        .map_err(|e| e.in_file(&history::path(ws)))?;
    let applied = h
        .of(id)
        .iter()
        .rev()
        .find(|c| c.status == Status::Applied)
        .cloned()
        .ok_or_else(|| unknown_account(ws, id))?;
    let signers = if signer_names.is_empty() {
        vec![super::keys::cached_signer(ws)?]
    } else {
        let mut v = Vec::new();
        for n in signer_names {
            v.push(super::keys::named_signer(ws, n)?);
        }
        v
    };
    let deciders: Vec<Decider> = signers
        .iter()
        .map(|s| Decider {
            name: s.name().to_string(),
            role: s.role().to_string(),
        })
        .collect();
    let app_outcomes: Vec<String> = Vec::new();
    let result = decision::decide(
        &decision::Case {
            account: id,
            owner_unit: &account.owner,
            responsible: &account.responsible,
            application_record: &applied.record,
            goals: &applied.goals,
            admins: &applied.admins,
            application_outcomes: &app_outcomes,
        },
        verdict,
        reason,
        &deciders,
        &ws.config.account_life,
    )?;
    let now = crate::clock::now();
    let out_dir = out.unwrap_or_else(|| ws.output_dir());
    let approved = verdict == Verdict::Approve;
    let mut out_json = serde_json::to_value(&result).expect("serialises");
    let data = json!({
        "org": ws.config.organisation.name,
        "account": id,
        "owner_unit": account.owner,
        "verdict": if approved { t("beviljat", "approved") } else { t("avslaget", "rejected") },
        "date": now.format("%Y-%m-%d").to_string(),
        "deciders": deciders.iter().map(|d| format!("{} ({})", d.name, d.role)).collect::<Vec<_>>().join("; "),
        "signatures_required": result.signatures_required,
        "application_record": std::path::Path::new(&applied.record).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        "reason": result.reason,
        "findings": findings_json(&result.findings),
        "approved": approved,
        "responsible": account.responsible,
        "goals": result.goals,
        "admins": result.admins,
    });
    let rec = Record {
        template: "account_decision",
        data,
        answers_toml: None,
        result: out_json.clone(),
        title: format!("{} – {id}", t("Beslut om konto", "Account decision")),
        reason: if approved {
            t(
                "Beslut: kontot beviljas",
                "Decision: the account is approved",
            )
        } else {
            t(
                "Beslut: ansökan avslås",
                "Decision: the application is rejected",
            )
        },
        file_stem: format!("beslut-{id}-{}", now.format("%Y%m%d")),
    };
    let pdf = record::write_signed(ws, &rec, &out_dir, &signers)?;
    history::record(
        ws,
        &Change {
            line: 0,
            at: now.to_rfc3339(),
            account: id.to_string(),
            status: verdict.status(),
            by: deciders
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            reason: result.reason.clone(),
            record: pdf.display().to_string(),
            goals: result.goals.clone(),
            admins: result.admins.clone(),
        },
    )?;
    out_json["record"] = json!(pdf.display().to_string());
    if json_out {
        print_json(&out_json);
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
    let account = find_account(ws, id)?;
    let h = Histories::read(ws)?;
    history::check_transition(id, h.status(id), Status::Closed)
        .map_err(|e| e.in_file(&history::path(ws)))?;
    let q = Questionnaire::load("closing")?;
    let (text, path) = answers_text(ws, &q, "close", id, &file, json!({}))?;
    let answers = q.validate(&text, &path)?;
    let typed: closing::Answers = serde_json::from_value(answers.clone())
        .map_err(|e| Error::input(e.to_string()).in_file(&path))?;
    let result = closing::close(id, &typed, &text, &path)?;
    let now = crate::clock::now();
    let snapshot = Snapshot::read(ws)?;
    let open: Vec<_> = snapshot
        .actions
        .iter()
        .filter(|a| a.account == id && a.is_open())
        .cloned()
        .collect();
    let out_dir = out.unwrap_or_else(|| ws.output_dir());
    let mut out_json = serde_json::to_value(&result).expect("serialises");
    out_json["closed_actions"] = json!(open.iter().map(|a| a.id.clone()).collect::<Vec<_>>());
    let data = json!({
        "org": ws.config.organisation.name,
        "account": id,
        "owner_unit": account.owner,
        "date": now.format("%Y-%m-%d").to_string(),
        "signer": super::keys::signer_summary(ws),
        "reason": result.reason,
        "checklist": q.summary(&answers).into_iter().skip(1).map(|(question, answer)| json!({"question": question, "answer": answer})).collect::<Vec<_>>(),
        "findings": findings_json(&result.findings),
        "closed_actions": open.iter().map(|a| json!({"id": a.id, "code": a.code, "text": a.text})).collect::<Vec<_>>(),
    });
    let rec = Record {
        template: "account_closing",
        data,
        answers_toml: Some(text.clone()),
        result: out_json.clone(),
        title: format!("{} – {id}", t("Avveckling av konto", "Closing of account")),
        reason: t(
            "Avveckling av konto i sociala medier",
            "Closing of a social media account",
        ),
        file_stem: format!("avveckling-{id}-{}", now.format("%Y%m%d")),
    };
    let pdf = record::write(ws, &rec, &out_dir)?;
    if file.is_some() {
        crate::workspace::ensure_private_dir(&ws.answers_dir("close"))?;
        crate::workspace::write_atomic(
            &ws.answers_dir("close").join(format!("{id}.toml")),
            text.as_bytes(),
        )?;
    }
    let by = signer_name(ws);
    history::record(
        ws,
        &Change {
            line: 0,
            at: now.to_rfc3339(),
            account: id.to_string(),
            status: Status::Closed,
            by: by.clone(),
            reason: result.reason.clone(),
            record: pdf.display().to_string(),
            goals: Vec::new(),
            admins: Vec::new(),
        },
    )?;
    let rows: Vec<_> = open
        .iter()
        .map(|a| {
            crate::lifecycle::actions::event_row(
                a,
                crate::registers::actions::Event::Closed,
                &now.to_rfc3339(),
                &by,
                &t("kontot är avvecklat", "the account is closed"),
                &a.owner,
            )
        })
        .collect();
    crate::registers::actions::append(&ws.path(crate::registers::actions::FILE), &rows)?;
    out_json["record"] = json!(pdf.display().to_string());
    if json_out {
        print_json(&out_json);
    } else {
        println!("{}", pdf.display());
        println!(
            "{}",
            t(
                &format!(
                    "Kontot {id} är avvecklat; {} öppna åtgärder stängdes.",
                    open.len()
                ),
                &format!(
                    "The account {id} is closed; {} open actions were closed.",
                    open.len()
                ),
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
        write_ics(
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

/// Writes the calendar file: never over a workspace file or a file that is not a calendar
/// this tool wrote (unless `--force`); replacing our own calendar is the point of re-export.
fn write_ics(ws: &Workspace, path: &std::path::Path, force: bool, text: &str) -> Result<()> {
    let inside = |p: &std::path::Path| {
        std::fs::canonicalize(p)
            .ok()
            .zip(std::fs::canonicalize(&ws.root).ok())
            .is_some_and(|(p, r)| p.parent() == Some(r.as_path()))
    };
    if path.exists() {
        let bytes = std::fs::read(path).at(path)?;
        let ours = crate::lifecycle::ical::is_ours(&bytes);
        let own_register =
            inside(path) && path.extension().is_some_and(|e| e == "csv" || e == "toml");
        if own_register || (!ours && !force) {
            return Err(Error::input(t(
                &format!("{} finns redan och är ingen kalenderfil från dataskydd; välj ett annat namn (eller --force)", path.display()),
                &format!("{} exists and is not a calendar file from dataskydd; choose another name (or --force)", path.display()),
            ))
            .in_file(path)
            .field("--ics"));
        }
    }
    crate::workspace::write_atomic(path, text.as_bytes())
}

/// The life part of `account show`: status, goals, administrators and the history.
pub fn show_life(ws: &Workspace, id: &str) -> Result<Value> {
    let h = Histories::read(ws)?;
    let (goals, admins) = h.goals_and_admins(id);
    let s = Snapshot::read(ws)?;
    let account = s.accounts.iter().find(|a| a.id == id);
    let review = account
        .filter(|_| s.status(id).followed_up())
        .map(|a| s.review_date(a).format("%Y-%m-%d").to_string());
    let actions: Vec<_> = s
        .actions
        .iter()
        .filter(|a| a.account == id)
        .cloned()
        .collect();
    Ok(json!({
        "status": h.status(id),
        "review_on": review,
        "goals": goals,
        "admins_named": admins,
        "history": h.of(id),
        "actions": actions,
    }))
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
                a["level"].as_str().unwrap_or_default(),
                a["status"].as_str().unwrap_or_default(),
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
