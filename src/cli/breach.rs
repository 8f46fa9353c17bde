//! `dataskydd breach`: is a removed post or comment a personal data breach? Must IMY and the
//! people concerned be told, by when? Writes a signed record and a row in the breach log.
//!
//! `breach` alone evaluates (interactively, or `--answers FILE`); `breach list` and
//! `breach update` read and extend the log.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Ctx;
use crate::assessment::breach::{self as rules, deadline_status, evaluate, Answers, Evaluation};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::questionnaire::{self, Questionnaire, Terminal};
use crate::record::{self, Record};
use crate::registers::breaches::{BreachLog, Entry};
use crate::workspace::{line_of, Workspace};

mod document;
mod list;

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
}

pub fn run(ctx: &Ctx, args: Args) -> Result<i32> {
    match args.command {
        Some(Sub::List(a)) => list::run_list(ctx, a),
        Some(Sub::Update(a)) => list::run_update(ctx, a),
        None => run_evaluate(ctx, args),
    }
}

/// Where the answers came from: a file (for line numbers in errors) or the terminal.
struct Source {
    text: String,
    file: Option<PathBuf>,
}

fn run_evaluate(ctx: &Ctx, args: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let q = Questionnaire::load("breach")?;
    let now = crate::clock::now();
    let (answers, source) = match &args.answers {
        Some(path) => {
            let text = std::fs::read_to_string(path).at(path)?;
            let v = q.validate(&text, path)?;
            (
                v,
                Source {
                    text,
                    file: Some(path.clone()),
                },
            )
        }
        None => {
            if !std::io::stdin().is_terminal() {
                return Err(no_terminal());
            }
            let v = ask_interactively(&ws, &q, args.dry_run)?;
            let text = q.to_toml(&v);
            (v, Source { text, file: None })
        }
    };
    let typed = typed_answers(&answers, now, &source)?;
    if crate::registers::accounts::find(&ws.accounts_csv(), &typed.account).is_err() {
        eprintln!(
            "{}",
            t(
                &format!(
                    "obs: kontot '{}' finns inte i kontoregistret; bedömningen görs ändå",
                    typed.account
                ),
                &format!(
                    "note: the account '{}' is not in the account register; evaluating anyway",
                    typed.account
                ),
            )
        );
    }
    let outcome = write_evaluation(&ws, &q, &typed, &source, &args, false)?;
    if args.answers.is_none() && !args.dry_run {
        let _ = std::fs::remove_file(in_progress(&ws));
    }
    print_result(&outcome, args.json);
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

/// The validated answers, typed and checked; errors name the file, line and key.
fn typed_answers(
    answers: &Value,
    now: chrono::DateTime<chrono::FixedOffset>,
    source: &Source,
) -> Result<Answers> {
    let a = Answers::from_json(answers, now).map_err(|e| match &source.file {
        Some(f) => e.in_file(f),
        None => e,
    })?;
    if crate::registers::accounts::check_id(&a.account).is_err() {
        let id = &a.account;
        let mut err = Error::input(t(
            &format!("'{id}' är inget giltigt konto-id: använd 1–64 tecken a–z, 0–9 och - (t.ex. nykoping-fb); aldrig personuppgifter"),
            &format!("'{id}' is not a valid account id: use 1–64 characters a–z, 0–9 and - (e.g. nykoping-fb); never personal data"),
        ))
        .field("account");
        if let Some(f) = &source.file {
            err = err.in_file(f);
            if let Some(line) = key_line(&source.text, "account") {
                err = err.at_line(line);
            }
        }
        return Err(err);
    }
    if let Err(bad) = a.check(crate::clock::now()) {
        let mut err = Error::input(bad.message).field(bad.field);
        if let Some(f) = &source.file {
            err = err.in_file(f);
            if let Some(line) = key_line(&source.text, bad.field) {
                err = err.at_line(line);
            }
        }
        return Err(err);
    }
    Ok(a)
}

/// The line of a top-level key in an answers file.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let span = doc.as_table().key(key)?.span()?;
    Some(line_of(text, span.start))
}

/// The result of one evaluation as the CLI reports it.
pub struct Outcome {
    pub id: String,
    pub record: Option<PathBuf>,
    pub answers_file: Option<PathBuf>,
    pub evaluation: Evaluation,
}

/// Evaluates, then (unless `--dry-run`) under the log's id lock: saves the answers,
/// writes the signed record and appends the log row.
fn write_evaluation(
    ws: &Workspace,
    q: &Questionnaire,
    a: &Answers,
    source: &Source,
    args: &Args,
    fictional: bool,
) -> Result<Outcome> {
    let evaluation = evaluate(a);
    let log = BreachLog::at(ws);
    let year = BreachLog::year_of(a.assessed_at);
    if args.dry_run {
        let id = BreachLog::next_id(&log.entries()?, year);
        return Ok(Outcome {
            id,
            record: None,
            answers_file: None,
            evaluation,
        });
    }
    let _lock = log.lock()?;
    let id = BreachLog::next_id(&log.entries()?, year);

    // The answers as evaluated: the file as given, with `assessed_at` fixed when it defaulted.
    let mut saved = source.text.clone();
    if key_line(&saved, "assessed_at").is_none() {
        if !saved.ends_with('\n') && !saved.is_empty() {
            saved.push('\n');
        }
        saved.push_str(&format!(
            "assessed_at = {}   # {}\n",
            rules::rfc3339(a.assessed_at),
            t(
                "standard: tidpunkten för bedömningen",
                "default: the time of the evaluation"
            )
        ));
    }
    crate::workspace::create_private_dir(&ws.path("answers"))?;
    crate::workspace::create_private_dir(&ws.answers_dir("breach"))?;
    let answers_file = ws.answers_dir("breach").join(format!("{id}.toml"));
    crate::workspace::write_atomic(&answers_file, saved.as_bytes())?;

    let out_dir = args.out.clone().unwrap_or_else(|| ws.output_dir());
    let data = document::data(ws, q, a, &evaluation, &id, fictional, &saved);
    let mut result = result_json(&id, &evaluation, None, None);
    if fictional {
        result["fictional"] = Value::Bool(true);
    }
    let title = format!(
        "{} {id}",
        t(
            "Bedömning av personuppgiftsincident",
            "Personal data breach evaluation"
        )
    );
    let path = record::write(
        ws,
        &Record {
            template: "breach",
            data,
            answers_toml: Some(saved),
            result,
            title: title.clone(),
            reason: title,
            file_stem: id.clone(),
        },
        &out_dir,
    )?;
    let categories: Vec<&str> = a.categories.iter().map(|c| c.key()).collect();
    let what = serde_json::to_value(a.what)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    log.append(&[Entry::evaluation(
        &id,
        &evaluation,
        &what,
        a.subjects,
        &categories,
        crate::clock::now(),
        &display_path(ws, &path),
    )])?;
    Ok(Outcome {
        id,
        record: Some(path),
        answers_file: Some(answers_file),
        evaluation,
    })
}

/// A path relative to the workspace when it is inside it.
fn display_path(ws: &Workspace, p: &Path) -> String {
    p.strip_prefix(&ws.root).unwrap_or(p).display().to_string()
}

fn result_json(id: &str, e: &Evaluation, record: Option<&Path>, answers: Option<&Path>) -> Value {
    let mut v = serde_json::to_value(e).expect("evaluation serialises");
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), Value::String(id.to_string()));
        o.insert(
            "record".into(),
            record
                .map(|p| Value::String(p.display().to_string()))
                .unwrap_or(Value::Null),
        );
        o.insert(
            "answers".into(),
            answers
                .map(|p| Value::String(p.display().to_string()))
                .unwrap_or(Value::Null),
        );
    }
    v
}

fn print_result(o: &Outcome, json: bool) {
    if json {
        super::print_json(&result_json(
            &o.id,
            &o.evaluation,
            o.record.as_deref(),
            o.answers_file.as_deref(),
        ));
        return;
    }
    let e = &o.evaluation;
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
    println!("{} {}", o.id, breach);
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
        if e.notify_subjects {
            t("ja", "yes")
        } else {
            t("nej", "no")
        }
    );
    for f in &e.findings {
        println!(
            "\n{}{}\n  {}\n  [{}]",
            f.code,
            if f.unsettled {
                t(" (oklart rättsläge)", " (unsettled law)")
            } else {
                String::new()
            },
            f.text,
            f.sources.join("; ")
        );
    }
    println!(
        "\n{}",
        t(
            "ENISA-poängen är ett beslutsstöd, inte ett rättsligt test.",
            "The ENISA score is decision support, not a legal test."
        )
    );
    match &o.record {
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

/// Today's rules on a record's embedded answers (for `dataskydd rerun`). The saved answers
/// carry `assessed_at`, so the result does not depend on when the re-run happens.
pub fn reevaluate(answers_toml: &str) -> Result<Value> {
    let q = Questionnaire::load("breach")?;
    let path = PathBuf::from("answers.toml");
    let v = q.validate(answers_toml, &path)?;
    let source = Source {
        text: answers_toml.to_string(),
        file: Some(path),
    };
    let a = typed_answers(&v, crate::clock::now(), &source)?;
    Ok(serde_json::to_value(evaluate(&a)).expect("evaluation serialises"))
}

/// The three fictional scenarios of the demo (DOMAIN.md 5.2; seeds 000–004), as answers
/// files beside the account demos in `questionnaires/demo/`.
pub const DEMO_SCENARIOS: &[&str] = &[
    include_str!("../../questionnaires/demo/breach-nykoping-fb-comment.toml"),
    include_str!("../../questionnaires/demo/breach-sollentuna-skola-ig-protected.toml"),
    include_str!("../../questionnaires/demo/breach-stockholm-x-identity-number.toml"),
];

/// Evaluates the demo's fictional scenarios into signed records and the breach log, and
/// records that the late one was notified to IMY. Called by `dataskydd demo`.
pub fn demo(ws: &Workspace) -> Result<()> {
    let q = Questionnaire::load("breach")?;
    let args = Args {
        command: None,
        answers: None,
        json: false,
        dry_run: false,
        out: None,
    };
    let mut ids = Vec::new();
    for (i, text) in DEMO_SCENARIOS.iter().enumerate() {
        let name = PathBuf::from(format!("demo-breach-{}.toml", i + 1));
        let v = q.validate(text, &name)?;
        let source = Source {
            text: text.to_string(),
            file: Some(name),
        };
        let a = typed_answers(&v, crate::clock::now(), &source)?;
        ids.push(write_evaluation(ws, &q, &a, &source, &args, true)?.id);
    }
    // The school notified IMY the same afternoon, days after the deadline.
    list::append_follow_up(
        ws,
        &ids[1],
        Some(chrono::DateTime::parse_from_rfc3339("2026-11-09T15:30:00+01:00").expect("fixed")),
        Some(chrono::DateTime::parse_from_rfc3339("2026-11-09T17:00:00+01:00").expect("fixed")),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_writes_three_fictional_records_and_the_log() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("dataskydd.toml"),
            "[organisation]\nname = \"Demokommun\"\n",
        )
        .unwrap();
        let ws = Workspace::open(d.path()).unwrap();
        crate::cli::keys::ensure_default_signer(&ws, "Test", "DSO").unwrap();
        demo(&ws).unwrap();
        let log = BreachLog::at(&ws);
        let entries = log.entries().unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(log.ledger.verify().unwrap().rows, 4);
        let s = crate::registers::breaches::summarise(
            &entries,
            chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+01:00").unwrap(),
        );
        let by = |acc: &str| s.iter().find(|x| x.account == acc).unwrap();
        let fb = by("nykoping-fb");
        assert_eq!(fb.breach, "no");
        assert!(fb.dpo_decision_required);
        let school = by("sollentuna-skola-ig");
        assert_eq!(school.level.as_deref(), Some("very_high"));
        assert!(school
            .outcomes
            .contains(&"LATE-NOTIFICATION-REASONS-REQUIRED".to_string()));
        assert!(school.notified_late && !school.open);
        let x = by("stockholm-x");
        assert_eq!(x.level.as_deref(), Some("medium"));
        assert!(x
            .outcomes
            .contains(&"ARCHIVE-BEFORE-DELETE-MISSING".to_string()));
        for e in entries.iter().filter(|e| !e.record.is_empty()) {
            let path = ws.path(&e.record);
            let bytes = std::fs::read(&path).unwrap();
            let text = if bytes.starts_with(b"%PDF") {
                match std::process::Command::new("pdftotext")
                    .arg(&path)
                    .arg("-")
                    .output()
                {
                    Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
                    Err(_) => continue,
                }
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            assert!(text.contains("FIKTIVT EXEMPEL"), "{}: {text}", e.record);
        }
    }
}
