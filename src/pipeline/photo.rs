//! The photo publication decision as a pipeline kind: questionnaire `photo`, the consent
//! register and local policy read, rules [`crate::assessment::photo::decide`], record
//! `templates/photo_decision.*.hbs`, one row in `publications.csv`.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{Appended, Case, Kind, RecordSpec, Source, Written};
use crate::assessment::photo::{
    self, ConsentLookup, ConsentView, PhotoAnswers, PhotoDecision as Decision,
};
use crate::assessment::policy::Policy;
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::registers::{consents, publications};
use crate::workspace::Workspace;

/// Decide whether a picture may be published, under `policy` (None: the workspace's).
#[derive(Debug, Clone, Default)]
pub struct PhotoDecision {
    pub policy: Option<Policy>,
}

impl PhotoDecision {
    /// Under a named preset (the demo's pictures, a re-run under the record's preset), with
    /// the workspace's age for a pupil's own consent.
    pub fn with_preset(ws: &Workspace, preset: &str) -> Result<PhotoDecision> {
        Ok(PhotoDecision {
            policy: Some(Policy::load(
                preset,
                ws.config.policy.child_consents_alone_from,
            )?),
        })
    }

    fn policy(&self, ws: &Workspace) -> Result<Policy> {
        match &self.policy {
            Some(p) => Ok(p.clone()),
            None => Policy::of(ws),
        }
    }
}

/// A photo decision reads the consent register: without a workspace there is none.
pub fn needs_workspace() -> Error {
    Error::Usage(t(
        "ett publiceringsbeslut körs om mot samtyckesregistret: kör kommandot i arbetsytan (eller ange --workspace)",
        "a publication decision is re-run against the consent register: run the command in the workspace (or give --workspace)",
    ))
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
                    // B5: registered as explicit for a sensitive context. The tool cannot
                    // read whether the text covers this picture; the record names the
                    // consent, whose receipt shows the text, for the principal to check.
                    explicit_art9: !c.explicit_art9.trim().is_empty(),
                })
                .collect();
            (subject, views)
        })
        .collect())
}

/// The template of the record.
const TEMPLATE: &str = "photo_decision";

impl Kind for PhotoDecision {
    type Answers = PhotoAnswers;
    type Outcome = Decision;

    fn questionnaire(&self) -> Option<&'static str> {
        Some("photo")
    }

    fn template(&self) -> Option<&'static str> {
        Some(TEMPLATE)
    }

    fn typed(
        &self,
        ws: Option<&Workspace>,
        answers: &Value,
        source: Source,
        _notes: &mut Vec<String>,
    ) -> Result<PhotoAnswers> {
        let cite = |e: Error| match source.file {
            Some(f) => e.in_file(f),
            None => e.in_file(std::path::Path::new("answers")),
        };
        let typed: PhotoAnswers = serde_json::from_value(answers.clone())
            .map_err(|e| cite(Error::input(e.to_string())))?;
        // B3: an identifiable picture needs its people.
        if let Err(bad) = typed.check() {
            let e = cite(Error::input(bad.message)).field(bad.field);
            return Err(match super::key_line(source.text, "identifiable") {
                Some(line) if source.file.is_some() => e.at_line(line),
                _ => e,
            });
        }
        let Some(ws) = ws else {
            return Ok(typed);
        };
        let channels = consents::known_channels(&ws.accounts_csv())?;
        if !channels.contains(&typed.channel) {
            return Err(cite(Error::input(t(
                &format!(
                    "kontot '{}' finns inte i accounts.csv (lägg till det med `dataskydd account add`)",
                    typed.channel
                ),
                &format!(
                    "the account '{}' is not in accounts.csv (add it with `dataskydd account add`)",
                    typed.channel
                ),
            )))
            .field("channel"));
        }
        Ok(typed)
    }

    fn decide(&self, ws: Option<&Workspace>, a: &PhotoAnswers) -> Result<Decision> {
        let ws = ws.ok_or_else(needs_workspace)?;
        let lookup = lookup(ws, a)?;
        Ok(photo::decide(a, &lookup, &self.policy(ws)?))
    }

    /// Held from the consent look-up to the publication row: no withdrawal slips between
    /// the decision and its record (a withdrawal waits, then lists this publication).
    fn lock(&self, ws: &Workspace) -> Result<Option<std::fs::File>> {
        consents::Register::at(ws.consents_csv())
            .ledger
            .hold_shared()
    }

    fn id(
        &self,
        _ws: &Workspace,
        answers: &Value,
        _typed: &PhotoAnswers,
    ) -> Result<Option<String>> {
        Ok(Some(format!(
            "p-{}",
            &crate::ledger::sha256_hex(
                &[
                    consents::id_seed(),
                    serde_json::to_vec(answers).unwrap_or_default(),
                ]
                .concat()
            )[..16]
        )))
    }

    fn kept_answers(
        &self,
        q: &Questionnaire,
        _text: &str,
        answers: &Value,
        _typed: &PhotoAnswers,
    ) -> String {
        q.to_toml(answers)
    }

    fn answers_path(&self, ws: &Workspace, id: Option<&str>) -> Option<PathBuf> {
        id.map(|id| ws.answers_dir("photo").join(format!("{id}.toml")))
    }

    fn record(
        &self,
        ws: &Workspace,
        _q: &Questionnaire,
        case: &Case<PhotoAnswers, Decision>,
    ) -> Result<RecordSpec> {
        let id = case.id.unwrap_or_default();
        let policy = self.policy(ws)?;
        Ok(RecordSpec {
            template: TEMPLATE,
            data: crate::records::photo::data(
                ws,
                id,
                case.answers,
                case.typed,
                case.outcome,
                &policy,
            ),
            title: t("Publiceringsbeslut: bild", "Publication decision: picture"),
            reason: t(
                "Beslut om publicering av bild",
                "Decision on publishing a picture",
            ),
            stem: format!("photo-{id}"),
            dated: false,
        })
    }

    fn append(
        &self,
        ws: &Workspace,
        case: &Case<PhotoAnswers, Decision>,
        record: &Path,
    ) -> Result<Appended> {
        let (typed, decision) = (case.typed, case.outcome);
        let mut relied: Vec<String> = Vec::new();
        for p in &decision.people {
            for id in &p.consent_ids {
                if !relied.contains(id) {
                    relied.push(id.clone());
                }
            }
        }
        publications::Register::at(ws.publications_csv()).append(&publications::Publication {
            publication_id: case.id.unwrap_or_default().to_string(),
            recorded_at: crate::clock::now().to_rfc3339(),
            channel: typed.channel.clone(),
            published_on: typed.published_on.to_string(),
            purpose: typed.purpose.id().to_string(),
            decision: serde_json::to_value(decision.decision)
                .ok()
                .and_then(|v| v.as_str().map(|s| s.to_string()))
                .unwrap_or_default(),
            preset: self.policy(ws)?.preset,
            subjects: typed.people.iter().map(|p| p.reference.clone()).collect(),
            consent_ids: relied,
            file: ws.relative(record),
            line: 0,
        })?;
        Ok(Appended::default())
    }

    fn json(&self, decision: &Decision, id: Option<&str>, written: &Written) -> Value {
        let mut v = serde_json::to_value(decision).expect("serialisable");
        v["publication_id"] = json!(id);
        v["file"] = json!(written.record.as_ref().map(|f| f.display().to_string()));
        v
    }
}
