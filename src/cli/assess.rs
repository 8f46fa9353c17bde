//! `dataskydd assess ACCOUNT`: the account assessment, from a terminal or an answers file,
//! to a signed PDF record.

use std::io::IsTerminal;
use std::path::PathBuf;

use serde_json::json;

use super::{print_json, Ctx};
use crate::assessment::account::Assessment;
use crate::error::Result;
use crate::i18n::t;
use crate::pipeline::account::{saved_path, AccountAssessment};
use crate::pipeline::{self, Answers, Options};
use crate::questionnaire::{self, resume, Questionnaire};
use crate::registers::accounts;
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
        return super::assess_all::run(&ws, &a.since, &a.only, a.out.clone(), a.json, a.dry_run);
    }
    let id = a.account.clone().unwrap_or_default();
    let mut kind = AccountAssessment::registered(&ws, &id)?;
    kind.check_owner = !a.allow_unknown_owner;
    crate::lifecycle::hooks::warn_before_assessing(&ws, &id)?;
    let answers = match &a.answers {
        Some(f) => Answers::from_file(f)?,
        None => {
            if !std::io::stdin().is_terminal() {
                return Err(questionnaire::prompt::no_terminal());
            }
            let q = Questionnaire::load("account")?;
            let registered = kind.registered.as_ref().expect("registered");
            let text = interactive(&ws, &q, &id, registered)?;
            Answers::toml(text, saved_path(&ws, &id))
        }
    };
    let opts = Options {
        dry_run: a.dry_run,
        out: a.out.clone(),
        // An interactive run has kept its answers already, after every question.
        keep_answers: a.answers.is_some(),
    };
    let done = pipeline::run(&ws, &kind, answers, &opts)?;
    for note in &done.notes {
        eprintln!("{note}");
    }
    if let (Some(path), false) = (done.record(), a.json) {
        println!("{}", path.display());
    }
    if a.json {
        print_json(&done.json);
    } else {
        print_summary(&done.outcome);
        // The account's life: actions opened and resolved.
        for l in &done.changes {
            println!("{l}");
        }
    }
    Ok(0)
}

fn print_summary(r: &Assessment) {
    use crate::records::words::{finding, word_of, yes_no};
    println!(
        "{}: {}",
        t("Personuppgiftsansvarig", "Controller"),
        r.controller
            .clone()
            .unwrap_or_else(|| t("oklart", "unclear"))
    );
    println!(
        "{}: {}",
        t(
            "Gemensamt ansvar med plattformen",
            "Joint controllership with the platform"
        ),
        yes_no(r.joint_with_platform)
    );
    println!(
        "{}: {}",
        t(
            "Ansvar för besökarnas innehåll",
            "Responsibility for visitors' content"
        ),
        word_of(&r.third_party_content)
    );
    if let Some(c) = &r.contractor_role {
        println!(
            "{}: {}",
            t("Entreprenörens roll", "Contractor's role"),
            word_of(c)
        );
    }
    for tool in &r.tools {
        let titles: Vec<String> = tool
            .outcomes
            .iter()
            .map(|c| crate::records::labels::finding_title(c, ""))
            .collect();
        println!(
            "  {} – {}: {}",
            tool.name,
            word_of(&tool.role),
            titles.join("; ")
        );
    }
    println!(
        "{}: {}",
        t(
            "Exponering (CLOUD Act / tredjeland)",
            "Exposure (CLOUD Act / third country)"
        ),
        word_of(&r.exposure)
    );
    println!("{}:", t("Slutsatser", "Findings"));
    for f in &r.findings {
        println!("{}", finding(f));
    }
    if !r.actions.is_empty() {
        println!("{}:", t("Åtgärder", "Actions"));
        for x in &r.actions {
            let level = word_of(&x.level).to_uppercase();
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
    let fresh =
        json!({ "account": { "platform": registered.platform, "owner_unit": registered.owner } });
    let choices = super::choices::WorkspaceChoices { ws };
    resume::ask_kept(
        q,
        &ws.answers_dir("assess"),
        id,
        resume::Start::Kept(fresh),
        &choices,
    )
}
