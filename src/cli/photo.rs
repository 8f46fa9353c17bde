//! `dataskydd photo`: may this picture be published? The questionnaire, the consent
//! register, the local policy, the signed decision record and `publications.csv`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{print_json, Ctx};
use crate::assessment::photo::{
    self, ConsentLookup, ConsentView, Decision, PhotoAnswers, PhotoDecision,
};
use crate::assessment::policy::Policy;
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::questionnaire::{self, Questionnaire};
use crate::record::{self, Record};
use crate::registers::{consents, publications};
use crate::workspace::Workspace;

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
    let q = Questionnaire::load("photo")?;
    let (answers, source) = match &a.answers {
        Some(path) => {
            let text = std::fs::read_to_string(path).at(path)?;
            (q.validate(&text, path)?, Some(path.clone()))
        }
        None => {
            if !std::io::stdin().is_terminal() {
                return Err(questionnaire_no_terminal());
            }
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
            (answers, None)
        }
    };
    // The in-progress answers stay until the decision is recorded: a failure below keeps
    // them, and the message says how to go on.
    let progress = ws.answers_dir("photo").join(".in-progress.toml");
    let interactive = a.answers.is_none();
    let file_for_errors = source.clone().unwrap_or_else(|| PathBuf::from("answers"));
    let out = a.out.clone().unwrap_or_else(|| ws.output_dir());
    let policy = Policy::of(&ws)?;
    let done = decide_and_record(
        &ws,
        &q,
        &answers,
        &file_for_errors,
        &policy,
        a.dry_run,
        &out,
    )
    .map_err(|e| {
        if interactive {
            keep_answers(e, &progress)
        } else {
            e
        }
    })?;
    if interactive {
        let _ = std::fs::remove_file(&progress);
    }
    if a.json {
        let mut v = serde_json::to_value(&done.decision).expect("serialisable");
        v["publication_id"] = json!(done.publication_id);
        v["file"] = json!(done.file.as_ref().map(|f| f.display().to_string()));
        print_json(&v);
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

/// What one photo decision produced.
pub struct Done {
    pub decision: PhotoDecision,
    pub publication_id: String,
    pub file: Option<PathBuf>,
}

/// Decides on validated answers, and unless `dry_run` saves the answers, writes the signed
/// record and appends to `publications.csv`.
#[allow(clippy::too_many_arguments)]
pub fn decide_and_record(
    ws: &Workspace,
    q: &Questionnaire,
    answers: &serde_json::Value,
    answers_file: &Path,
    policy: &Policy,
    dry_run: bool,
    out: &Path,
) -> Result<Done> {
    let typed: PhotoAnswers = serde_json::from_value(answers.clone())
        .map_err(|e| Error::input(e.to_string()).in_file(answers_file))?;
    // B3: an identifiable picture needs its people.
    if let Err(bad) = typed.check() {
        let mut e = Error::input(bad.message)
            .in_file(answers_file)
            .field(bad.field);
        if let Some(line) = std::fs::read_to_string(answers_file)
            .ok()
            .and_then(|text| super::breach::key_line(&text, "identifiable"))
        {
            e = e.at_line(line);
        }
        return Err(e);
    }
    // Held from the consent look-up to the publication row: no withdrawal slips between
    // the decision and its record (a withdrawal waits, then lists this publication).
    let _consents = consents::Register::at(ws.consents_csv())
        .ledger
        .hold_shared()?;
    let channels = consents::known_channels(&ws.accounts_csv())?;
    if !channels.contains(&typed.channel) {
        return Err(Error::input(t(
            &format!(
                "kontot '{}' finns inte i accounts.csv (lägg till det med `dataskydd account add`)",
                typed.channel
            ),
            &format!(
                "the account '{}' is not in accounts.csv (add it with `dataskydd account add`)",
                typed.channel
            ),
        ))
        .in_file(answers_file)
        .field("channel"));
    }
    let lookup = lookup(ws, &typed)?;
    let decision = photo::decide(&typed, &lookup, policy);
    let now = crate::clock::now();
    let publication_id = format!(
        "p-{}",
        &crate::ledger::sha256_hex(
            &[
                consents::id_seed(),
                serde_json::to_vec(answers).unwrap_or_default(),
            ]
            .concat()
        )[..16]
    );
    if dry_run {
        return Ok(Done {
            decision,
            publication_id,
            file: None,
        });
    }
    let answers_toml = q.to_toml(answers);
    let saved = ws
        .answers_dir("photo")
        .join(format!("{publication_id}.toml"));
    crate::workspace::write_atomic(&saved, answers_toml.as_bytes())?;
    let result = serde_json::to_value(&decision).expect("serialisable");
    let data = json!({
        "organisation": ws.config.organisation.name,
        "publication_id": publication_id,
        "answers": answers,
        "result": result,
        "decision_text": decision_text(decision.decision),
        "policy_title": policy.title,
        "labels": super::labels::labels(),
    });
    let file = record::write(
        ws,
        &Record {
            template: "photo_decision",
            data,
            answers_toml: Some(answers_toml),
            result,
            title: t("Publiceringsbeslut: bild", "Publication decision: picture"),
            reason: t(
                "Beslut om publicering av bild",
                "Decision on publishing a picture",
            ),
            file_stem: format!("photo-{publication_id}"),
        },
        out,
    )?;
    let mut relied: Vec<String> = Vec::new();
    for p in &decision.people {
        for id in &p.consent_ids {
            if !relied.contains(id) {
                relied.push(id.clone());
            }
        }
    }
    publications::Register::at(ws.publications_csv()).append(&publications::Publication {
        publication_id: publication_id.clone(),
        recorded_at: now.to_rfc3339(),
        channel: typed.channel.clone(),
        published_on: typed.published_on.to_string(),
        purpose: typed.purpose.id().to_string(),
        decision: serde_json::to_value(decision.decision)
            .ok()
            .and_then(|v| v.as_str().map(|s| s.to_string()))
            .unwrap_or_default(),
        preset: policy.preset.clone(),
        subjects: typed.people.iter().map(|p| p.reference.clone()).collect(),
        consent_ids: relied,
        file: file.display().to_string(),
        line: 0,
    })?;
    Ok(Done {
        decision,
        publication_id,
        file: Some(file),
    })
}

/// Looks every person up in the consent register, for this picture's use and date.
pub fn lookup(ws: &Workspace, a: &PhotoAnswers) -> Result<ConsentLookup> {
    let refs: Vec<&str> = a.people.iter().map(|p| p.reference.as_str()).collect();
    let found = consents::Register::at(ws.consents_csv()).of_subjects(&refs)?;
    Ok(found
        .into_iter()
        .map(|(subject, list)| {
            let views = list
                .iter()
                .map(|c| ConsentView {
                    consent_id: c.consent_id.clone(),
                    given_by: c.given_by.clone(),
                    status: c.status(a.purpose.id(), &a.channel, photo::MEDIUM, a.published_on),
                    collection_method: c.collection_method.clone(),
                    evidence: c.evidence.clone(),
                    birth_year: Some(c.birth_year),
                    // B5: the register has no explicit_art9 column yet (registers).
                    explicit_art9: false,
                })
                .collect();
            (subject, views)
        })
        .collect())
}

pub fn decision_text(d: Decision) -> String {
    match d {
        Decision::Allowed => t("Får publiceras", "May be published"),
        Decision::AllowedWithConditions => t(
            "Får publiceras på villkor",
            "May be published on conditions",
        ),
        Decision::NotAllowed => t("Får inte publiceras", "Must not be published"),
    }
}

fn print_text(done: &Done) {
    let d = &done.decision;
    println!("{}", decision_text(d.decision));
    println!(
        "  {}: {:?} ({:?})   {} {}: {:?} [{}]",
        t("Lagen", "Law"),
        d.law.decision,
        d.law.basis,
        t("Lokal policy", "Local policy"),
        d.policy.preset,
        d.policy.decision,
        d.policy.rules.join(", ")
    );
    for p in &d.people {
        println!(
            "  {}  {}  {}  {}",
            p.reference,
            p.role.id(),
            p.consent.name(),
            p.consent_ids.join(",")
        );
    }
    for f in &d.findings {
        println!(
            "- {}{}: {} [{}]",
            f.code,
            if f.unsettled {
                t(" (oklart rättsläge)", " (unsettled)")
            } else {
                String::new()
            },
            f.text,
            f.sources.join("; ")
        );
    }
    for c in &d.conditions {
        println!("  {} {c}", t("Villkor:", "Condition:"));
    }
    match &done.file {
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
