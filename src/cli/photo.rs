//! `dataskydd photo`: may this picture be published? The questionnaire, the consent
//! register, the local policy, the signed decision record and `publications.csv`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::{print_json, Ctx};
use crate::assessment::photo::PhotoDecision as Decision;
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::pipeline::photo::PhotoDecision;
use crate::pipeline::{self, Answers, Done, Options};
use crate::questionnaire::{self, Questionnaire};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / examples:\n  dataskydd photo                                  (frågar i terminalen / asks on the terminal)\n  dataskydd photo --answers bild.toml --json\n  dataskydd photo --answers bild.toml --dry-run    (skriver inget / writes nothing)\n\nAnswers file (TOML):\n  channel = \"sollentuna-skola-ig\"\n  purpose = \"inform_activity\"\n  published_on = 2026-11-23\n  identifiable = true\n  in_focus = true\n  [[people]]\n  ref = \"elev-0042\"\n  role = \"pupil\"\n  age = 10"
)]
pub struct Args {
    /// Read the answers from this file (TOML) instead of asking
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print the decision as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Decide only: write no PDF, no answers file, no register row
    #[arg(long)]
    pub dry_run: bool,
    /// Folder for the PDF (default: output/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let answers = match &a.answers {
        Some(path) => Answers::from_file(path)?,
        None => {
            if !std::io::stdin().is_terminal() {
                return Err(questionnaire_no_terminal());
            }
            let q = Questionnaire::load("photo")?;
            let progress = ws.answers_dir("photo").join(".in-progress.toml");
            let start = match std::fs::read_to_string(&progress) {
                // Resume where the last session stopped (answers so far, not yet validated).
                Ok(text) => toml::from_str::<toml::Value>(&text)
                    .map(|v| questionnaire::toml_to_json(&v))
                    .unwrap_or_else(|_| serde_json::Value::Object(Default::default())),
                Err(_) => serde_json::Value::Object(Default::default()),
            };
            let mut prompter = questionnaire::Terminal;
            let mut save = |v: &serde_json::Value| -> Result<()> {
                crate::workspace::write_atomic(&progress, q.to_toml(v).as_bytes())
            };
            let choices = super::choices::WorkspaceChoices { ws: &ws };
            let answers =
                questionnaire::ask_with(&q, &mut prompter, &start, None, &mut save, &choices)?;
            Answers::Value(answers)
        }
    };
    let opts = Options {
        dry_run: a.dry_run,
        out: a.out.clone(),
        keep_answers: true,
    };
    // The in-progress answers stay until the decision is recorded: a failure keeps them,
    // and the message says how to go on.
    let progress = ws.answers_dir("photo").join(".in-progress.toml");
    let interactive = a.answers.is_none();
    let done = pipeline::run(&ws, &PhotoDecision::default(), answers, &opts).map_err(|e| {
        if interactive {
            keep_answers(e, &progress)
        } else {
            e
        }
    })?;
    if interactive {
        let _ = std::fs::remove_file(&progress);
    }
    for note in &done.notes {
        eprintln!("{note}");
    }
    if a.json {
        print_json(&done.json);
    } else {
        print_text(&done);
    }
    Ok(0)
}

/// The error of an interactive run, with where its answers are kept and how to go on.
fn keep_answers(e: Error, progress: &Path) -> Error {
    let hint = t(
        &format!(
            "Svaren är sparade i {}; rätta det som sägs ovan och kör `dataskydd photo` igen för att fortsätta (välj \"Ändra\" i granskningen).",
            progress.display()
        ),
        &format!(
            "The answers are saved in {}; fix what is said above and run `dataskydd photo` again to go on (choose \"Change\" in the review).",
            progress.display()
        ),
    );
    Error::Usage(format!("{e}\n{hint}"))
}

fn questionnaire_no_terminal() -> Error {
    Error::Usage(t(
        "ingen terminal att ställa frågorna på: ange svaren med --answers FIL (TOML); se `dataskydd photo --help`",
        "no terminal to ask the questions on: give the answers with --answers FILE (TOML); see `dataskydd photo --help`",
    ))
}

fn print_text(done: &Done<Decision>) {
    let d = &done.outcome;
    println!("{}", crate::records::photo::decision_text(d.decision));
    use crate::records::words::{finding, word, word_of};
    println!(
        "  {}: {} ({}: {})   {} ({}): {}",
        t("Lagen", "The law"),
        crate::records::photo::decision_text(d.law.decision).to_lowercase(),
        t("grund", "basis"),
        word_of(&d.law.basis),
        t("Lokal policy", "Local policy"),
        word(&d.policy.preset),
        crate::records::photo::decision_text(d.policy.decision).to_lowercase(),
    );
    for p in &d.people {
        let ids = if p.consent_ids.is_empty() {
            String::new()
        } else {
            format!("  ({})", p.consent_ids.join(", "))
        };
        println!(
            "  {}  {}  {}: {}{ids}",
            p.reference,
            word(p.role.id()),
            t("samtycke", "consent"),
            word(p.consent.name()),
        );
    }
    for f in &d.findings {
        println!("{}", finding(f));
    }
    for c in &d.conditions {
        println!("  {} {c}", t("Villkor:", "Condition:"));
    }
    match done.record() {
        Some(f) => println!(
            "{} {}",
            t("Signerat beslut:", "Signed decision:"),
            f.display()
        ),
        None => println!(
            "{}",
            t("(--dry-run: inget skrevs)", "(--dry-run: nothing written)")
        ),
    }
}
