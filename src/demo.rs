//! The demo: a complete example workspace built from the three municipalities in the
//! sources (Stockholm, Sollentuna, Nyköping), every record signed.
//!
//! The demo is data: `questionnaires/demo/demo.toml` names the organisation, accounts,
//! consents, pictures, withdrawals and breaches, each decision an answers file beside it.
//! This module only creates the workspace and runs the [pipeline](crate::pipeline) over
//! them. All people and events are fictional and named by pseudonym only.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::i18n::{t, Lang};
use crate::pipeline::{self, Answers, Options};
use crate::registers::accounts::{self, Account};
use crate::registers::{consents, publications};
use crate::setup::Setup;
use crate::workspace::{Signing, Workspace};

/// The demo's files, compiled into the binary (the manifest first).
#[rustfmt::skip]
const FILES: &[(&str, &str)] = &[
    ("demo.toml", include_str!("../questionnaires/demo/demo.toml")),
    ("nykoping-fb.toml", include_str!("../questionnaires/demo/nykoping-fb.toml")),
    ("sollentuna-skola-ig.toml", include_str!("../questionnaires/demo/sollentuna-skola-ig.toml")),
    ("stockholm-socialtjanst-fb.toml", include_str!("../questionnaires/demo/stockholm-socialtjanst-fb.toml")),
    ("stockholm-fritidsgard-ig.toml", include_str!("../questionnaires/demo/stockholm-fritidsgard-ig.toml")),
    ("stockholm-x.toml", include_str!("../questionnaires/demo/stockholm-x.toml")),
    ("photo-0-luciakonsert.toml", include_str!("../questionnaires/demo/photo-0-luciakonsert.toml")),
    ("photo-1-fagelholkar.toml", include_str!("../questionnaires/demo/photo-1-fagelholkar.toml")),
    ("photo-2-elevradet.toml", include_str!("../questionnaires/demo/photo-2-elevradet.toml")),
    ("photo-3-skolavslutning.toml", include_str!("../questionnaires/demo/photo-3-skolavslutning.toml")),
    ("photo-4-no-salen.toml", include_str!("../questionnaires/demo/photo-4-no-salen.toml")),
    ("photo-5-lekplatsen.toml", include_str!("../questionnaires/demo/photo-5-lekplatsen.toml")),
    ("photo-6-julmarknaden.toml", include_str!("../questionnaires/demo/photo-6-julmarknaden.toml")),
    ("photo-7-simskolan-tva.toml", include_str!("../questionnaires/demo/photo-7-simskolan-tva.toml")),
    ("photo-8-simskolan-en.toml", include_str!("../questionnaires/demo/photo-8-simskolan-en.toml")),
    ("breach-nykoping-fb-comment.toml", include_str!("../questionnaires/demo/breach-nykoping-fb-comment.toml")),
    ("breach-sollentuna-skola-ig-protected.toml", include_str!("../questionnaires/demo/breach-sollentuna-skola-ig-protected.toml")),
    ("breach-stockholm-x-identity-number.toml", include_str!("../questionnaires/demo/breach-stockholm-x-identity-number.toml")),
];

/// A demo file's text; a manifest naming a file that is not compiled in is an error.
fn file(name: &str) -> Result<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            Error::input(format!("no demo file {name} (list it in src/demo.rs)"))
                .in_file(Path::new("questionnaires/demo/demo.toml"))
        })
}

/// The cited name of a demo file, for errors.
fn cite(name: &str) -> PathBuf {
    PathBuf::from("questionnaires/demo").join(name)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    organisation: Organisation,
    defaults: Defaults,
    accounts: Vec<DemoAccount>,
    consents: Vec<DemoConsent>,
    photos: Vec<DemoPhoto>,
    #[serde(default)]
    withdrawals: Vec<Withdrawal>,
    breaches: Vec<DemoBreach>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Organisation {
    name: String,
    preset: String,
    dpo_name: String,
    dpo_email: String,
    dpo_phone: String,
    signer_name: String,
    signer_role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    sv: String,
    en: String,
}

impl Words {
    fn get(&self) -> String {
        t(&self.sv, &self.en)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    responsible: Words,
    purpose: Words,
    notice_version: String,
    notice_language: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAccount {
    id: String,
    platform: String,
    owner: String,
    name: String,
    admins: u32,
    answers: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoConsent {
    subject: String,
    role: String,
    birth_year: u32,
    given_by: String,
    giver: String,
    purpose: String,
    channel: String,
    media: String,
    valid_from: String,
    valid_until: String,
    evidence: String,
    collection_method: String,
    /// B5: the sensitive context explicitly consented to.
    #[serde(default)]
    explicit_art9: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPhoto {
    preset: String,
    answers: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Withdrawal {
    /// The consent withdrawn: its place (from 1) among `[[consents]]`.
    consent: usize,
    by: String,
    via: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoBreach {
    answers: String,
    #[serde(default)]
    notified_imy_at: Option<toml::value::Datetime>,
    #[serde(default)]
    subjects_informed_at: Option<toml::value::Datetime>,
}

/// One line of the demo's report: a decision and the record it wrote.
#[derive(Debug, Clone)]
pub struct Line {
    /// The account, publication or breach id.
    pub id: String,
    /// The conclusion in a word (exposure, decision, breach).
    pub outcome: String,
    pub record: Option<PathBuf>,
}

/// What the demo made.
#[derive(Debug, Default)]
pub struct Report {
    pub accounts: Vec<Line>,
    pub photos: Vec<Line>,
    pub breaches: Vec<Line>,
    /// Consents withdrawn, each with the publications that must come down.
    pub withdrawn: Vec<(String, Vec<publications::Takedown>)>,
}

fn manifest() -> Result<Manifest> {
    let text = file("demo.toml")?;
    toml::from_str(text).map_err(|e| crate::workspace::toml_error(&cite("demo.toml"), text, &e))
}

/// Builds the demo workspace at `root` (which must not hold one) and fills it. `signing`:
/// the `[signing]` of a `dataskydd.toml` at `root` that holds only that (a configured key,
/// PKI chain and TSA the demo signs with); None: a new self-signed key, no TSA (B-B).
pub fn build(root: &Path, lang: Lang, signing: Option<Signing>) -> Result<(Workspace, Report)> {
    let m = manifest()?;
    let o = &m.organisation;
    crate::setup::create(
        root,
        lang,
        &Setup {
            org: o.name.clone(),
            preset: o.preset.clone(),
            dpo_name: o.dpo_name.clone(),
            dpo_email: o.dpo_email.clone(),
            dpo_phone: o.dpo_phone.clone(),
            signer_name: o.signer_name.clone(),
            signer_role: o.signer_role.clone(),
            committees: demo_committees(&m),
            companies: Vec::new(),
            signing,
        },
    )?;
    let ws = Workspace::open(root)?;
    let report = fill(&ws, &m)?;
    Ok((ws, report))
}

/// The preset's committees and every committee that owns a demo account: the demo is one
/// workspace for three municipalities' accounts, and the answers it keeps under `answers/`
/// must assess again as they are (`assess ID --answers answers/assess/ID.toml`), which checks
/// the owner against the organisation's list.
fn demo_committees(m: &Manifest) -> Vec<String> {
    let mut out = crate::setup::committees(&m.organisation.preset);
    for a in &m.accounts {
        if !out.contains(&a.owner) {
            out.push(a.owner.clone());
        }
    }
    out
}

fn fill(ws: &Workspace, m: &Manifest) -> Result<Report> {
    let mut report = Report::default();
    let now = crate::clock::now().to_rfc3339();
    for a in &m.accounts {
        accounts::add(
            &ws.accounts_csv(),
            &Account {
                id: a.id.clone(),
                platform: a.platform.clone(),
                owner: a.owner.clone(),
                name: a.name.clone(),
                responsible: m.defaults.responsible.get(),
                admins: Some(a.admins),
                purpose: m.defaults.purpose.get(),
                added_at: now.clone(),
                ..Default::default()
            },
        )?;
        let done = pipeline::run(
            ws,
            &pipeline::account::AccountAssessment::new(&a.id),
            Answers::toml(file(&a.answers)?, cite(&a.answers)),
            &Options::default(),
        )?;
        report.accounts.push(Line {
            id: a.id.clone(),
            outcome: done.outcome.exposure.clone(),
            record: done.written.record,
        });
    }

    let channels = consents::known_channels(&ws.accounts_csv())?;
    let mut valid = Vec::new();
    for c in &m.consents {
        let input = consents::Input {
            subject: c.subject.clone(),
            role: c.role.clone(),
            birth_year: c.birth_year.to_string(),
            given_by: c.given_by.clone(),
            giver: c.giver.clone(),
            purpose: c.purpose.clone(),
            channel: c.channel.clone(),
            media: c.media.clone(),
            valid_from: c.valid_from.clone(),
            valid_until: c.valid_until.clone(),
            evidence: c.evidence.clone(),
            notice_version: m.defaults.notice_version.clone(),
            language: m.defaults.notice_language.clone(),
            collection_method: c.collection_method.clone(),
            withdrawal_method: String::new(),
            explicit_art9: c.explicit_art9.clone(),
        };
        valid.push(
            consents::validate(&input, &channels, crate::clock::today()).map_err(|p| {
                Error::input(format!("demo consent {}: {}", c.subject, p[0].message))
                    .in_file(&cite("demo.toml"))
            })?,
        );
    }
    let register = consents::Register::at(ws.consents_csv());
    let (ids, _) = register.add(&valid)?;

    for p in &m.photos {
        let kind = pipeline::photo::PhotoDecision::with_preset(ws, &p.preset)?;
        let done = pipeline::run(
            ws,
            &kind,
            Answers::toml(file(&p.answers)?, cite(&p.answers)),
            &Options::default(),
        )?;
        report.photos.push(Line {
            id: done.id.clone().unwrap_or_default(),
            outcome: crate::records::photo::decision_text(done.outcome.decision),
            record: done.written.record,
        });
    }

    for w in &m.withdrawals {
        let id = w
            .consent
            .checked_sub(1)
            .and_then(|i| ids.get(i))
            .ok_or_else(|| {
                Error::input(format!("no consent number {}", w.consent))
                    .in_file(&cite("demo.toml"))
                    .field("withdrawals.consent")
            })?;
        register.withdraw(id, crate::clock::now(), Some(&w.by), &w.via)?;
        let takedown = publications::Register::at(ws.publications_csv()).relying_on(id)?;
        report.withdrawn.push((id.clone(), takedown));
    }

    let kind = pipeline::breach::BreachEvaluation { fictional: true };
    let instant = |d: &Option<toml::value::Datetime>| {
        d.as_ref()
            .map(|d| {
                chrono::DateTime::parse_from_rfc3339(&d.to_string()).map_err(|_| {
                    Error::input(format!("'{d}' is not a date-time with an offset"))
                        .in_file(&cite("demo.toml"))
                })
            })
            .transpose()
    };
    for b in &m.breaches {
        let done = pipeline::run(
            ws,
            &kind,
            Answers::toml(file(&b.answers)?, cite(&b.answers)),
            &Options::default(),
        )?;
        let id = done.id.clone().unwrap_or_default();
        let (notified, informed) = (
            instant(&b.notified_imy_at)?,
            instant(&b.subjects_informed_at)?,
        );
        if notified.is_some() || informed.is_some() {
            pipeline::breach::follow_up(ws, &id, notified, informed)?;
        }
        report.breaches.push(Line {
            id,
            outcome: serde_json::to_value(done.outcome.breach)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            record: done.written.record,
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registers::breaches::BreachLog;

    #[test]
    fn every_file_the_manifest_names_is_compiled_in() {
        let m = manifest().unwrap();
        let named = m
            .accounts
            .iter()
            .map(|a| &a.answers)
            .chain(m.photos.iter().map(|p| &p.answers))
            .chain(m.breaches.iter().map(|b| &b.answers));
        for n in named {
            file(n).unwrap();
        }
    }

    #[test]
    fn demo_writes_three_fictional_breach_records_and_the_log() {
        let d = tempfile::tempdir().unwrap();
        let (ws, report) = build(&d.path().join("demo"), Lang::Sv, None).unwrap();
        assert_eq!(report.accounts.len(), 5);
        assert_eq!(report.photos.len(), 9);
        assert_eq!(report.withdrawn.len(), 1);
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
            let path = ws.resolve(&e.record);
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
