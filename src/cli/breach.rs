//! `dataskydd breach`: is a removed post or comment a personal data breach? Must IMY and the
//! people concerned be told, by when? Writes a signed record and a row in the breach log.
//!
//! `breach` alone evaluates (interactively, or `--answers FILE`); `breach list` and
//! `breach update` read and extend the log.

use std::io::IsTerminal;
use std::path::PathBuf;

use serde_json::Value;

use super::Ctx;
use crate::assessment::breach::{self as rules, deadline_status, Evaluation};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::pipeline::breach::BreachEvaluation;
use crate::pipeline::{self, Answers, Done, Options};
use crate::questionnaire::{self, Questionnaire, Terminal};
use crate::workspace::Workspace;

pub(crate) mod list;

#[derive(clap::Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Exempel / examples:\n  \
    dataskydd breach                                   (frågor på terminalen / questions on the terminal)\n  \
    dataskydd breach --answers incident.toml --json\n  \
    dataskydd breach --answers incident.toml --dry-run\n  \
    dataskydd breach list --open\n  \
    dataskydd breach update b-2026-0001 --notified-imy-at 2026-11-21T14:00:00+01:00"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Sub>,
    /// Read the answers from this TOML file instead of asking
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print the result as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Evaluate only: write no record, no log row, no answers file
    #[arg(long)]
    pub dry_run: bool,
    /// Folder for the signed PDF (default: output/ in the workspace)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    /// The breach log: evaluations, notification due and the time left
    #[command(after_help = "Exempel / examples:\n  dataskydd breach list\n  \
                            dataskydd breach list --open --json\n  dataskydd breach list --csv > incidenter.csv")]
    List(list::ListArgs),
    /// Record that IMY was notified or the people concerned were told (a new log row)
    #[command(after_help = "Exempel / examples:\n  \
        dataskydd breach update b-2026-0001 --notified-imy-at 2026-11-21T14:00:00+01:00\n  \
        dataskydd breach update b-2026-0001 --subjects-informed-at 2026-11-22T09:00:00+01:00")]
    Update(list::UpdateArgs),
    /// Record the controller's decision on an evaluation (the DPO advises, the controller decides)
    #[command(after_help = "Exempel / examples:\n  \
        dataskydd breach decide b-2026-0002 --breach yes --notify imy --reason \"Känsliga uppgifter låg ute i tio timmar\" --by \"Förvaltningschef\"\n  \
        dataskydd breach decide b-2026-0002 --breach no --reason \"Kommentaren togs bort inom en timme\"")]
    Decide(super::breach_decide::Args),
}

pub fn run(ctx: &Ctx, args: Args) -> Result<i32> {
    match args.command {
        Some(Sub::List(a)) => list::run_list(ctx, a),
        Some(Sub::Update(a)) => list::run_update(ctx, a),
        Some(Sub::Decide(a)) => super::breach_decide::run(ctx, a),
        None => run_evaluate(ctx, args),
    }
}

fn run_evaluate(ctx: &Ctx, args: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let answers = match &args.answers {
        Some(path) => Answers::from_file(path)?,
        None => {
            if !std::io::stdin().is_terminal() {
                return Err(no_terminal());
            }
            let q = Questionnaire::load("breach")?;
            Answers::Value(ask_interactively(&ws, &q, args.dry_run)?)
        }
    };
    let opts = Options {
        dry_run: args.dry_run,
        out: args.out.clone(),
        keep_answers: true,
    };
    let done = pipeline::run(&ws, &BreachEvaluation::default(), answers, &opts)?;
    for note in &done.notes {
        eprintln!("{note}");
    }
    if args.answers.is_none() && !args.dry_run {
        let _ = std::fs::remove_file(in_progress(&ws));
    }
    print_result(&done, args.json);
    Ok(0)
}

fn no_terminal() -> Error {
    Error::Usage(t(
        "ingen terminal att ställa frågorna på: ange svaren med --answers FIL (TOML), t.ex. \
         `dataskydd breach --answers incident.toml` (se `dataskydd breach --help`)",
        "no terminal to ask the questions on: give the answers with --answers FILE (TOML), e.g. \
         `dataskydd breach --answers incident.toml` (see `dataskydd breach --help`)",
    ))
}

fn in_progress(ws: &Workspace) -> PathBuf {
    ws.answers_dir("breach").join("in-progress.toml")
}

/// Asks on the terminal, showing the running deadline once `aware_at` is known; saves
/// after every answer so an interrupted session resumes.
fn ask_interactively(ws: &Workspace, q: &Questionnaire, dry_run: bool) -> Result<Value> {
    let resume = in_progress(ws);
    let start = match std::fs::read_to_string(&resume) {
        Ok(text) if !dry_run => partial_answers(q, &text),
        _ => Value::Object(Default::default()),
    };
    let status = |v: &Value| -> Option<String> {
        let aware = v.get("aware_at")?.as_str()?;
        let aware = chrono::DateTime::parse_from_rfc3339(aware).ok()?;
        Some(format!("⏱ {}", deadline_status(aware, crate::clock::now())))
    };
    let mut save = |v: &Value| -> Result<()> {
        if dry_run {
            return Ok(());
        }
        crate::workspace::create_private_dir(&ws.path("answers"))?;
        crate::workspace::create_private_dir(&ws.answers_dir("breach"))?;
        crate::workspace::write_atomic(&resume, q.to_toml(v).as_bytes())
    };
    let choices = super::choices::WorkspaceChoices { ws };
    questionnaire::ask_with(q, &mut Terminal, &start, Some(&status), &mut save, &choices)
}

/// Answers saved by an interrupted session: the keys the questionnaire knows.
fn partial_answers(q: &Questionnaire, text: &str) -> Value {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Value::Object(Default::default());
    };
    Value::Object(
        doc.iter()
            .filter(|(k, _)| q.question(k).is_some())
            .map(|(k, v)| (k.clone(), questionnaire::toml_to_json(v)))
            .collect(),
    )
}

fn print_result(o: &Done<Evaluation>, json: bool) {
    if json {
        super::print_json(&o.json);
        return;
    }
    let e = &o.outcome;
    let breach = match e.breach {
        rules::Breach::Yes => t("Personuppgiftsincident: ja", "Personal data breach: yes"),
        rules::Breach::No => t(
            "Personuppgiftsincident: nej (modereringsincident)",
            "Personal data breach: no (moderation incident)",
        ),
        rules::Breach::Unsettled => t(
            "Personuppgiftsincident: oklart – den personuppgiftsansvarige beslutar efter dataskyddsombudets råd",
            "Personal data breach: unsettled – the controller decides after the DPO's advice",
        ),
    };
    println!("{} {}", o.id.as_deref().unwrap_or_default(), breach);
    if let Some(s) = &e.severity {
        println!(
            "{}: {} ({} × {} + {} = {})",
            t("Allvarlighet (ENISA)", "Severity (ENISA)"),
            s.level.label(),
            s.dpc,
            rules::num(s.ei),
            rules::num(s.cb),
            rules::num(s.score)
        );
    }
    if let Some(d) = &e.imy_deadline {
        let d = chrono::DateTime::parse_from_rfc3339(d).expect("own output");
        println!(
            "{}",
            t(
                &format!("IMY ska underrättas senast {}", rules::local_text(d)),
                &format!("IMY must be notified by {}", rules::local_text(d)),
            )
        );
    }
    println!(
        "{}: {}",
        t("De registrerade underrättas", "Tell the data subjects"),
        crate::records::words::yes_no(e.notify_subjects)
    );
    for f in &e.findings {
        println!("\n{}", crate::records::words::finding(f));
    }
    println!(
        "\n{}",
        t(
            "ENISA-poängen är ett beslutsstöd, inte ett rättsligt test.",
            "The ENISA score is decision support, not a legal test."
        )
    );
    match o.record() {
        Some(p) => println!("{}", p.display()),
        None => println!(
            "{}",
            t(
                "(--dry-run: inget skrevs)",
                "(--dry-run: nothing was written)"
            )
        ),
    }
}
