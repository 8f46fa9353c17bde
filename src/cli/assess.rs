//! `dataskydd assess ACCOUNT`: the account assessment, from a terminal or an answers file,
//! to a signed PDF record.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{print_json, Ctx};
use crate::assessment::account::{self, Answers, Assessment};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::questionnaire::{self, Questionnaire};
use crate::record::{self, Record};
use crate::registers::{accounts, assessments};
use crate::workspace::Workspace;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / examples:\n  dataskydd assess nykoping-fb                      (frågar i terminalen / asks on the terminal)\n  \
                        dataskydd assess nykoping-fb --answers svar.toml --json\n  \
                        dataskydd assess --all                            (alla sparade bedömningar / every saved assessment)"
)]
pub struct Args {
    /// The account id (as in accounts.csv)
    #[arg(required_unless_present = "all")]
    pub account: Option<String>,
    /// Read the answers from this TOML file instead of asking
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print the result as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Evaluate only: write no files at all
    #[arg(long)]
    pub dry_run: bool,
    /// Where to write the PDF (default: the workspace's output/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Re-run every saved account assessment (answers/assess/*.toml)
    #[arg(long, conflicts_with_all = ["account", "answers"])]
    pub all: bool,
    /// With --all: only accounts last assessed before this date (YYYY-MM-DD) or never
    #[arg(long, requires = "all", value_name = "DATE")]
    pub since: Option<String>,
    /// With --all: only these accounts
    #[arg(long = "account", requires = "all", value_name = "ID", num_args = 1..)]
    pub only: Vec<String>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    if a.all {
        return super::assess_all::run(&ws, &a.since, &a.only, a.out.as_deref(), a.json, a.dry_run);
    }
    let id = a.account.clone().unwrap_or_default();
    accounts::check_id(&id).map_err(|e| e.field("ACCOUNT"))?;
    let registered =
        accounts::find(&ws.accounts_csv(), &id).map_err(|e| e.in_file(&ws.accounts_csv()))?;
    let q = Questionnaire::load("account")?;
    let saved = saved_path(&ws, &id);
    let (text, file) = match &a.answers {
        Some(f) => (std::fs::read_to_string(f).at(f)?, f.clone()),
        None => {
            if !std::io::stdin().is_terminal() {
                return Err(questionnaire::prompt::no_terminal());
            }
            (interactive(&ws, &q, &id, &registered)?, saved.clone())
        }
    };
    let out_dir = a.out.clone().unwrap_or_else(|| ws.output_dir());
    let (result, record) = assess_one(
        &ws,
        &q,
        &id,
        &text,
        &file,
        &out_dir,
        a.dry_run,
        Some(&registered),
    )?;
    if !a.dry_run && a.answers.is_some() {
        crate::workspace::ensure_private_dir(&ws.answers_dir("assess"))?;
        crate::workspace::write_atomic(&saved, text.as_bytes())?;
    }
    let mut out = serde_json::to_value(&result).expect("serialises");
    if let Some((path, entry)) = &record {
        assessments::append_all(&ws.path("assessments.csv"), std::slice::from_ref(entry))?;
        out["record"] = json!(path.display().to_string());
        println_path(a.json, path);
    }
    if a.json {
        print_json(&out);
    } else {
        print_summary(&result);
    }
    Ok(0)
}

fn println_path(json: bool, path: &Path) {
    if !json {
        println!("{}", path.display());
    }
}

/// Validates an answers text, assesses and (unless `dry_run`) writes the signed record.
/// The caller logs the returned entry (a batch logs all its entries in one write).
#[allow(clippy::too_many_arguments)]
pub fn assess_one(
    ws: &Workspace,
    q: &Questionnaire,
    id: &str,
    text: &str,
    file: &Path,
    out_dir: &Path,
    dry_run: bool,
    registered: Option<&accounts::Account>,
) -> Result<(Assessment, Option<(PathBuf, assessments::Entry)>)> {
    let answers = q.validate(text, file)?;
    let typed: Answers =
        serde_json::from_value(answers).map_err(|e| Error::input(e.to_string()).in_file(file))?;
    if let Some(reg) = registered {
        if typed.account.platform != reg.platform {
            eprintln!(
                "{}",
                t(
                    &format!(
                        "Obs: svaren anger plattformen {}, registret {}.",
                        typed.account.platform, reg.platform
                    ),
                    &format!(
                        "Note: the answers give platform {}, the register {}.",
                        typed.account.platform, reg.platform
                    ),
                )
            );
        }
    }
    let result = account::assess(id, &typed);
    let record = if dry_run {
        None
    } else {
        Some(write_record(ws, q, text, &result, out_dir)?)
    };
    Ok((result, record))
}

pub fn saved_path(ws: &Workspace, id: &str) -> PathBuf {
    ws.answers_dir("assess").join(format!("{id}.toml"))
}

/// Writes the signed record; returns its path and the row for assessments.csv.
pub fn write_record(
    ws: &Workspace,
    q: &Questionnaire,
    answers_toml: &str,
    result: &Assessment,
    out_dir: &Path,
) -> Result<(PathBuf, assessments::Entry)> {
    let now = crate::clock::now();
    let stem = format!("bedomning-{}-{}", result.account, now.format("%Y%m%d"));
    let data = crate::records::assessment::document_data(ws, q, result, answers_toml, &now);
    let title = format!(
        "{} – {}",
        t("Dataskyddsbedömning", "Data protection assessment"),
        result.account
    );
    let rec = Record {
        template: "assessment",
        data,
        answers_toml: Some(answers_toml.to_string()),
        result: serde_json::to_value(result).expect("serialises"),
        title,
        reason: t("Dataskyddsbedömning", "Data protection assessment"),
        file_stem: stem,
    };
    let path = record::write(ws, &rec, out_dir)?;
    let entry = assessments::Entry {
        assessed_at: now.to_rfc3339(),
        account: result.account.clone(),
        controller: result.controller.clone().unwrap_or_default(),
        exposure: result.exposure.clone(),
        must_actions: result
            .actions
            .iter()
            .filter(|x| x.level == crate::finding::Level::Must)
            .count(),
        should_actions: result
            .actions
            .iter()
            .filter(|x| x.level == crate::finding::Level::Should)
            .count(),
        outcomes: result.outcomes.clone(),
        record: path.display().to_string(),
        rules_version: result.rules_version.to_string(),
    };
    Ok((path, entry))
}

fn print_summary(r: &Assessment) {
    println!(
        "{}: {}",
        t("Personuppgiftsansvarig", "Controller"),
        r.controller
            .clone()
            .unwrap_or_else(|| t("OKLART", "UNCLEAR"))
    );
    println!(
        "{}: {}",
        t(
            "Gemensamt ansvar med plattformen",
            "Joint with the platform"
        ),
        r.joint_with_platform
    );
    println!(
        "{}: {}",
        t("Tredjepartsinnehåll", "Third-party content"),
        r.third_party_content
    );
    if let Some(c) = &r.contractor_role {
        println!("{}: {c}", t("Entreprenörens roll", "Contractor's role"));
    }
    for tool in &r.tools {
        println!(
            "  {} – {} ({})",
            tool.name,
            tool.role,
            tool.outcomes.join(", ")
        );
    }
    println!(
        "{}: {}",
        t(
            "Exponering (CLOUD Act / tredjeland)",
            "Exposure (CLOUD Act / third country)"
        ),
        r.exposure
    );
    println!("{}:", t("Slutsatser", "Findings"));
    for f in &r.findings {
        let u = if f.unsettled {
            t(" [oklart rättsläge]", " [unsettled]")
        } else {
            String::new()
        };
        println!("  {}{u}: {} [{}]", f.code, f.text, f.sources.join("; "));
    }
    if !r.actions.is_empty() {
        println!("{}:", t("Åtgärder", "Actions"));
        for x in &r.actions {
            let level = match x.level {
                crate::finding::Level::Must => t("SKA", "MUST"),
                crate::finding::Level::Should => t("BÖR", "SHOULD"),
            };
            println!("  {level} {}", x.text);
        }
    }
}

/// Asks on the terminal, resuming a saved or partial answers file; returns the TOML text.
fn interactive(
    ws: &Workspace,
    q: &Questionnaire,
    id: &str,
    registered: &accounts::Account,
) -> Result<String> {
    let dir = ws.answers_dir("assess");
    crate::workspace::create_private_dir(&dir)?;
    let partial = dir.join(format!("{id}.partial.json"));
    let saved = saved_path(ws, id);
    let start: Value = if let Ok(s) = std::fs::read_to_string(&partial) {
        eprintln!(
            "{}",
            t("Fortsätter där du slutade.", "Resuming where you left off.")
        );
        serde_json::from_str(&s).unwrap_or(json!({}))
    } else if let Ok(s) = std::fs::read_to_string(&saved) {
        eprintln!(
            "{}",
            t(
                "Utgår från de sparade svaren; ändra det som inte längre stämmer.",
                "Starting from the saved answers; change what no longer holds."
            )
        );
        q.validate(&s, &saved).unwrap_or(json!({}))
    } else {
        json!({ "account": { "platform": registered.platform, "owner_unit": registered.owner } })
    };
    let mut save = |v: &Value| crate::workspace::write_atomic(&partial, v.to_string().as_bytes());
    let answers = questionnaire::ask(q, &mut questionnaire::Terminal, &start, None, &mut save)?;
    let text = q.to_toml(&answers);
    crate::workspace::write_atomic(&saved, text.as_bytes())?;
    let _ = std::fs::remove_file(&partial);
    Ok(text)
}
