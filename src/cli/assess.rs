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
    /// Accept an owner_unit that is not among dataskydd.toml's committees or companies
    #[arg(long)]
    pub allow_unknown_owner: bool,
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
    crate::lifecycle::hooks::warn_before_assessing(&ws, &id)?;
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
    if !a.allow_unknown_owner {
        q.validate(&text, &file)?; // the file's own errors first
        check_owner(&ws, &text, &file)?;
    }
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
    let mut life_notes = Vec::new();
    if let Some((path, entry)) = &record {
        assessments::append_all(&ws.path("assessments.csv"), std::slice::from_ref(entry))?;
        out["record"] = json!(path.display().to_string());
        println_path(a.json, path);
        let record = path.display().to_string();
        let synced = crate::lifecycle::hooks::after_assessments(
            &ws,
            &[crate::lifecycle::hooks::Assessed {
                account: &id,
                actions: &result.actions,
                record: &record,
            }],
        )?;
        if let Some((_, sync)) = synced.first() {
            out["actions_opened"] = json!(sync
                .opened
                .iter()
                .map(|r| r.action.clone())
                .collect::<Vec<_>>());
            out["actions_resolved"] = json!(sync
                .resolved
                .iter()
                .map(|r| r.action.clone())
                .collect::<Vec<_>>());
            life_notes = crate::lifecycle::hooks::describe(sync);
        }
    }
    if a.json {
        print_json(&out);
    } else {
        print_summary(&result);
        for l in &life_notes {
            println!("{l}");
        }
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
        if typed.account.platform.id() != reg.platform {
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
    if let Err(bad) = typed.check_countries() {
        return Err(country_error(&bad, text, file));
    }
    let looked_up;
    let registered = match registered {
        Some(r) => Some(r),
        None => {
            looked_up = accounts::find(&ws.accounts_csv(), id).ok();
            looked_up.as_ref()
        }
    };
    let cx = account::Context::of(ws, typed.account.platform, registered);
    let result = account::assess_in(id, &typed, &cx);
    let record = if dry_run {
        None
    } else {
        Some(write_record(ws, q, text, &result, out_dir)?)
    };
    Ok((result, record))
}

/// A3: "Kanada" is refused with "CA", naming file, line and key.
fn country_error(bad: &account::BadCountry, text: &str, file: &Path) -> Error {
    let hint = if bad.suggestions.is_empty() {
        String::new()
    } else {
        t(
            &format!(" Menade du {}?", bad.suggestions.join(" eller ")),
            &format!(" Did you mean {}?", bad.suggestions.join(" or ")),
        )
    };
    let mut e = Error::input(t(
        &format!(
            "'{}' är ingen landskod enligt ISO 3166-1 alpha-2 (två bokstäver, t.ex. SE, US).{hint}",
            bad.value
        ),
        &format!(
            "'{}' is not an ISO 3166-1 alpha-2 country code (two letters, e.g. SE, US).{hint}",
            bad.value
        ),
    ))
    .in_file(file)
    .field(&bad.key);
    let needle = format!("\"{}\"", bad.value);
    if let Some(off) = text.find(&needle) {
        e = e.at_line(crate::workspace::line_of(text, off));
    }
    e
}

/// A6: refuses an `owner_unit` that is not among the organisation's committees or companies,
/// naming the closest ("menade du …?"), unless the lists are empty.
pub fn check_owner(ws: &Workspace, text: &str, file: &Path) -> Result<()> {
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return Ok(()); // the questionnaire reports the syntax error
    };
    let Some(item) = doc.get("account").and_then(|a| a.get("owner_unit")) else {
        return Ok(());
    };
    let owner = item.as_str().unwrap_or_default();
    let cx = account::Context {
        committees: ws.config.organisation.committees.clone(),
        companies: ws.config.organisation.companies.clone(),
        ..Default::default()
    };
    let Err(near) = cx.check_owner(owner) else {
        return Ok(());
    };
    let hint = if near.is_empty() {
        String::new()
    } else {
        t(
            &format!(" Menade du {}?", near.join(" eller ")),
            &format!(" Did you mean {}?", near.join(" or ")),
        )
    };
    let mut e = Error::input(t(
        &format!("'{owner}' finns inte bland organisationens nämnder och bolag i dataskydd.toml.{hint} Lägg till den med `dataskydd org add-committee NAMN` (eller add-company), eller kör med --allow-unknown-owner."),
        &format!("'{owner}' is not among the organisation's committees and companies in dataskydd.toml.{hint} Add it with `dataskydd org add-committee NAME` (or add-company), or run with --allow-unknown-owner."),
    ))
    .in_file(file)
    .field("account.owner_unit");
    if let Some(span) = item.span() {
        e = e.at_line(crate::workspace::line_of(text, span.start));
    }
    Err(e)
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
    let data = document_data(ws, q, result, answers_toml, &now);
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

/// The data the assessment template renders: everything already phrased, no law decided here.
pub fn document_data(
    ws: &Workspace,
    q: &Questionnaire,
    r: &Assessment,
    answers_toml: &str,
    now: &chrono::DateTime<chrono::FixedOffset>,
) -> Value {
    let label = |v: &str| -> String {
        match v {
            "full" => t(
                "fullt (kan ta bort kommentarer)",
                "full (can remove comments)",
            ),
            "limited" => t(
                "begränsat (kan inte ta bort andras svar)",
                "limited (cannot remove others' replies)",
            ),
            "none" => t("inget (kommentarer avstängda)", "none (comments off)"),
            "processor" => t("personuppgiftsbiträde", "processor"),
            "independent_controller" => t(
                "självständigt personuppgiftsansvarig",
                "independent controller",
            ),
            "joint_controller" => t("gemensamt personuppgiftsansvarig", "joint controller"),
            "low" => t("låg", "low"),
            "medium" => t("medel", "medium"),
            "high" => t("hög", "high"),
            "must" => t("SKA", "MUST"),
            "should" => t("BÖR", "SHOULD"),
            other => other.to_string(),
        }
    };
    let section = |codes: &[&str]| -> Vec<Value> {
        r.findings
            .iter()
            .filter(|f| codes.contains(&f.code.as_str()) || codes.is_empty())
            .map(finding_json)
            .collect()
    };
    let tool_codes: Vec<&str> = r
        .tools
        .iter()
        .flat_map(|x| x.outcomes.iter().map(|s| s.as_str()))
        .collect();
    let signer = crate::cli::keys::signer_summary(ws);
    json!({
        "org": ws.config.organisation.name,
        "account": r.account,
        "platform": format!("{} ({})", r.platform.name, r.platform.id),
        "parent": if r.platform.parent.is_empty() { "-".to_string() } else { format!("{}, {}", r.platform.parent, r.platform.parent_country) },
        "date": now.format("%Y-%m-%d").to_string(),
        "signer": signer,
        "controller": r.controller.clone().unwrap_or_else(|| t("okänd", "unknown")),
        "joint": if r.joint_with_platform { t("ja", "yes") } else { t("nej", "no") },
        "third_party_content": label(&r.third_party_content),
        "contractor_role": r.contractor_role.as_deref().map(label).unwrap_or_else(|| t("ingen entreprenör", "no contractor")),
        "exposure": label(&r.exposure),
        "controller_findings": section(&["CTRL-SINGLE", "CTRL-UNCLEAR", "JOINT-INTERNAL"]),
        "platform_findings": section(&["JOINT-PLATFORM-ARRANGEMENT", "JOINT-PLATFORM-NO-ARRANGEMENT", "JOINT-PLATFORM-TARGETING"]),
        "content_findings": section(&["COMMENTS-RESPONSIBLE", "COMMENTS-LIMITED", "BBS-MODERATION-GAP"]),
        "contractor_findings": r.findings.iter().filter(|f| f.code.starts_with("CONTRACTOR-") || (f.code == "DPA-MISSING" && f.because.iter().any(|b| b.starts_with("contractor.")))).map(finding_json).collect::<Vec<_>>(),
        "tool_findings": r.findings.iter().filter(|f| f.because.iter().any(|b| b.starts_with("tools.")) && tool_codes.contains(&f.code.as_str()) && !matches!(f.code.as_str(), "OSL-ROJANDE-RISK" | "DM-CHANNEL-RISK")).map(finding_json).collect::<Vec<_>>(),
        "exposure_findings": section(&["EXPOSURE", "TRANSFER-CHINA-SCC", "OSL-ROJANDE-RISK", "DM-CHANNEL-RISK"]),
        "tools": r.tools.iter().map(|x| json!({"name": x.name, "role": label(&x.role), "dpa": if x.dpa_required { t("krävs", "required") } else { t("krävs ej", "not required") }, "outcomes": x.outcomes.join(", ")})).collect::<Vec<_>>(),
        "has_tools": !r.tools.is_empty(),
        "actions": r.actions.iter().map(|x| json!({"level": label(match x.level { crate::finding::Level::Must => "must", crate::finding::Level::Should => "should" }), "code": x.code, "text": x.text})).collect::<Vec<_>>(),
        "has_actions": !r.actions.is_empty(),
        "outcomes": r.outcomes.join(", "),
        "answers": q
            .validate(answers_toml, Path::new("answers.toml"))
            .map(|v| q.summary(&v))
            .unwrap_or_default()
            .into_iter()
            .map(|(question, answer)| json!({"question": question, "answer": answer}))
            .collect::<Vec<_>>(),
        "questionnaire_version": q.version,
        "rules_version": r.rules_version,
    })
}

pub fn finding_json(f: &crate::finding::Finding) -> Value {
    json!({
        "code": f.code,
        "title": f.title,
        "text": f.text,
        "sources": f.sources.join("; "),
        "because": f.because.join(", "),
        "unsettled": f.unsettled,
    })
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
    let choices = super::choices::WorkspaceChoices { ws };
    let answers = questionnaire::ask_with(
        q,
        &mut questionnaire::Terminal,
        &start,
        None,
        &mut save,
        &choices,
    )?;
    let text = q.to_toml(&answers);
    crate::workspace::write_atomic(&saved, text.as_bytes())?;
    let _ = std::fs::remove_file(&partial);
    Ok(text)
}
