//! The steps of an account's life as the library runs them: validate the answers, decide
//! (pure rules in the sibling modules), build the record's data, sign, write, append to the
//! registers. The command line, the demo and (later) the web server call these; they print
//! nothing. When the one decision pipeline lands (issue 15), application, decision and
//! closing become kinds of it and these functions its callers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::lifecycle::application::{self, Application};
use crate::lifecycle::closing::{self, Closing};
use crate::lifecycle::decision::{self, Decider, Decision, Verdict};
use crate::lifecycle::follow_up::Snapshot;
use crate::lifecycle::history::{self, Histories};
use crate::lifecycle::Status;
use crate::questionnaire::Questionnaire;
use crate::record::{self, Record};
use crate::registers::account_history::Change;
use crate::registers::accounts::{self, Account};
use crate::workspace::Workspace;

pub fn unknown_account(ws: &Workspace, id: &str) -> Error {
    Error::input(t(
        &format!("kontot '{id}' finns inte; se `dataskydd account list`"),
        &format!("the account '{id}' does not exist; see `dataskydd account list`"),
    ))
    .in_file(&ws.accounts_csv())
    .field("ID")
}

pub fn find_account(ws: &Workspace, id: &str) -> Result<Account> {
    accounts::check_id(id).map_err(|e| e.field("ID"))?;
    accounts::read_all(&ws.accounts_csv())?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| unknown_account(ws, id))
}

pub fn yes_no(b: bool) -> String {
    if b {
        t("ja", "yes")
    } else {
        t("nej", "no")
    }
}

pub fn findings_json(f: &[crate::finding::Finding]) -> Vec<Value> {
    f.iter()
        .map(|f| {
            json!({"code": f.code, "text": f.text, "sources": f.sources.join("; "),
                   "because": f.because.join(", "), "unsettled": f.unsettled})
        })
        .collect()
}

pub fn signer_name(ws: &Workspace) -> String {
    crate::signing::keystore::cached_signer(ws)
        .map(|s| s.name().to_string())
        .unwrap_or_default()
}

/// Refuses an id that is not a slug or is already in the register (before any question).
pub fn check_new_id(ws: &Workspace, id: &str) -> Result<()> {
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
    Ok(())
}

/// Validates and evaluates an application and (unless `dry_run`) writes its signed record,
/// adds the account (`accounts.csv`) and its `applied` row (`account_history.csv`).
/// Returns the result, its JSON (with `record`) and the record's path.
pub fn apply(
    ws: &Workspace,
    id: &str,
    text: &str,
    path: &Path,
    dry_run: bool,
    save_answers: bool,
    out_dir: &Path,
) -> Result<(Application, Value, Option<PathBuf>)> {
    // A dry run writes no file at all, not even the lock.
    let _lock = if dry_run {
        None
    } else {
        Some(crate::registers::account_history::lock(&ws.root)?)
    };
    check_new_id(ws, id)?;
    let q = Questionnaire::load("application")?;
    let (text, path) = (text.to_string(), path.to_path_buf());
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
    let mut out_json = serde_json::to_value(&result).expect("serialises");
    if !dry_run {
        let now = crate::clock::now();
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
        let pdf = record::write(ws, &rec, out_dir)?;
        let saved = ws.answers_dir("apply").join(format!("{id}.toml"));
        if save_answers {
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
        return Ok((result, out_json, Some(pdf)));
    }
    Ok((result, out_json, None))
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

/// Decides on an application, signed by each of `signers` (the organisation's rule says how
/// many), writes the decision record and the history row.
pub fn decide(
    ws: &Workspace,
    id: &str,
    verdict: Verdict,
    reason: &str,
    signers: &[Arc<dyn crate::signing::DigestSigner>],
    out_dir: &Path,
) -> Result<(Decision, Value, PathBuf)> {
    let _lock = crate::registers::account_history::lock(&ws.root)?;
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
    let pdf = record::write_signed(ws, &rec, out_dir, signers)?;
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
    Ok((result, out_json, pdf))
}

/// Checks that the account may be closed (before any question is asked).
pub fn check_closable(ws: &Workspace, id: &str) -> Result<Account> {
    let account = find_account(ws, id)?;
    let h = Histories::read(ws)?;
    history::check_transition(id, h.status(id), Status::Closed)
        .map_err(|e| e.in_file(&history::path(ws)))?;
    Ok(account)
}

/// Runs the closing checklist; writes the closing record, the `closed` history row and a
/// `closed` row for each open action of the account.
pub fn close(
    ws: &Workspace,
    id: &str,
    text: &str,
    path: &Path,
    save_answers: bool,
    out_dir: &Path,
) -> Result<(Closing, Value, PathBuf)> {
    let _lock = crate::registers::account_history::lock(&ws.root)?;
    let account = check_closable(ws, id)?;
    let q = Questionnaire::load("closing")?;
    let (text, path) = (text.to_string(), path.to_path_buf());
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
    let mut out_json = serde_json::to_value(&result).expect("serialises");
    out_json["closed_actions"] = json!(open.iter().map(|a| a.id.clone()).collect::<Vec<_>>());
    let data = json!({
        "org": ws.config.organisation.name,
        "account": id,
        "owner_unit": account.owner,
        "date": now.format("%Y-%m-%d").to_string(),
        "signer": crate::signing::keystore::signer_summary(ws),
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
    let pdf = record::write(ws, &rec, out_dir)?;
    if save_answers {
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
    Ok((result, out_json, pdf))
}

/// Writes the calendar file: never over a workspace file or a file that is not a calendar
/// this tool wrote (unless `--force`); replacing our own calendar is the point of re-export.
pub fn write_ics(ws: &Workspace, path: &std::path::Path, force: bool, text: &str) -> Result<()> {
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
