//! Writing a record: template → document → signature → disk.
//!
//! This is the one place where the pipeline's parts meet; it knows no law (the assessment
//! hands it finished data) and no PDF internals (the document and signing modules do).

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::document::{self, Attachment, Meta};
use crate::error::{Error, Result};
use crate::signing::{self, SignInfo};
use crate::workspace::Workspace;

/// Everything needed to write one signed record.
pub struct Record<'a> {
    /// Template name in `templates/` without language and extension: `assessment` →
    /// `templates/assessment.sv.hbs` / `assessment.en.hbs`.
    pub template: &'a str,
    /// The data the template renders (result, answers, organisation, signer, …).
    pub data: serde_json::Value,
    /// The answers file, embedded in the PDF as `answers.toml` (None: no questionnaire).
    pub answers_toml: Option<String>,
    /// The result, embedded as `result.json`.
    pub result: serde_json::Value,
    /// Document title (PDF metadata) and the signature's `/Reason`.
    pub title: String,
    pub reason: String,
    /// File name without extension; never personal data (an account id, a record id).
    pub file_stem: String,
}

/// Renders, signs and writes a record into `out_dir`; returns the path written.
pub fn write(ws: &Workspace, record: &Record, out_dir: &Path) -> Result<PathBuf> {
    let signer = crate::cli::keys::cached_signer(ws)?;
    write_signed(ws, record, out_dir, &[signer])
}

/// Like [`write`], signed by each of `signers` in turn (a decision two people take carries
/// both signatures: the second signs the first's signed file as an incremental update).
pub fn write_signed(
    ws: &Workspace,
    record: &Record,
    out_dir: &Path,
    signers: &[std::sync::Arc<dyn signing::DigestSigner>],
) -> Result<PathBuf> {
    let bytes = render_signed(ws, record, signers)?;
    crate::workspace::ensure_private_dir(out_dir)?;
    let path = out_dir.join(format!("{}.pdf", record.file_stem));
    crate::workspace::write_atomic(&path, &bytes)?;
    Ok(path)
}

/// Renders and signs a record into bytes (nothing written).
pub fn render(ws: &Workspace, record: &Record) -> Result<Vec<u8>> {
    let signer = crate::cli::keys::cached_signer(ws)?;
    render_signed(ws, record, &[signer])
}

/// Renders a record and signs it by each of `signers` in turn (at least one).
pub fn render_signed(
    ws: &Workspace,
    record: &Record,
    signers: &[std::sync::Arc<dyn signing::DigestSigner>],
) -> Result<Vec<u8>> {
    let now = crate::clock::now();
    let signer = signers
        .first()
        .cloned()
        .ok_or_else(|| Error::Usage("internal: a record needs a signer".into()))?;
    let mut markup = render_markup(record)?;
    markup.push_str(&signature_block(
        signer.info(),
        &ws.config.organisation.name,
        &now,
        record.answers_toml.is_some(),
    ));
    for other in &signers[1..] {
        markup.push_str(&co_signature_block(&**other));
    }
    let meta = Meta {
        title: record.title.clone(),
        subject: record.reason.clone(),
        author: format!("{} ({})", signer.info().name, ws.config.organisation.name),
        keywords: vec!["dataskydd".into(), record.template.into(), "GDPR".into()],
        lang: crate::i18n::current().code().into(),
        creator: format!("dataskydd {}", env!("CARGO_PKG_VERSION")),
        created: now,
    };
    let mut attachments = Vec::new();
    if let Some(answers) = &record.answers_toml {
        attachments.push(Attachment {
            name: "answers.toml".into(),
            mime: "application/toml".into(),
            description: "Svaren som beslutet bygger på / the answers the decision rests on".into(),
            bytes: answers.as_bytes().to_vec(),
            relationship: document::Relationship::Source,
        });
    }
    let mut result = record.result.clone();
    if let Some(obj) = result.as_object_mut() {
        obj.insert("template".into(), json!(record.template));
        let questionnaire = match obj.get("kind").and_then(|k| k.as_str()) {
            Some("account_assessment") => Some("account"),
            Some("photo_decision") => Some("photo"),
            Some("breach_evaluation") => Some("breach"),
            Some("account_application") => Some("application"),
            Some("account_closing") => Some("closing"),
            _ => None,
        };
        if let Some(q) =
            questionnaire.and_then(|id| crate::questionnaire::Questionnaire::load(id).ok())
        {
            obj.insert("questionnaire".into(), json!(q.id));
            obj.insert("questionnaire_version".into(), json!(q.version));
        }
        obj.insert(
            "rules_version".into(),
            json!(crate::assessment::RULES_VERSION),
        );
        obj.insert("tool_version".into(), json!(env!("CARGO_PKG_VERSION")));
    }
    attachments.push(Attachment {
        name: "result.json".into(),
        mime: "application/json".into(),
        description: "Resultatet med skäl och källor / the result with reasons and sources".into(),
        bytes: serde_json::to_vec_pretty(&result).expect("JSON values serialise"),
        relationship: document::Relationship::Data,
    });
    let pdf = document::render_pdf(&markup, &meta, &attachments)?;
    let location = ws
        .config
        .signing
        .location
        .clone()
        .unwrap_or_else(|| ws.config.organisation.name.clone());
    let tsa = crate::cli::keys::tsa(ws);
    let mut signed = pdf;
    for s in signers {
        signed = signing::sign_pdf_with(
            &signed,
            &**s,
            &SignInfo {
                reason: record.reason.clone(),
                location: location.clone(),
                time: now,
            },
            tsa.as_ref(),
        )?;
    }
    Ok(signed)
}

/// The visible block for a further signer of the same record.
fn co_signature_block(signer: &dyn signing::DigestSigner) -> String {
    let signer = signer.info();
    let e = document::escape;
    crate::i18n::t(
        &format!(
            "\n## Signatur\n!kv Signerad även av | {}\n!kv Roll | {}\n!kv Certifikatets SHA-256-fingeravtryck | {}\n",
            e(&signer.name), e(&signer.role), signer.fingerprint
        ),
        &format!(
            "\n## Signature\n!kv Also signed by | {}\n!kv Role | {}\n!kv SHA-256 fingerprint of the certificate | {}\n",
            e(&signer.name), e(&signer.role), signer.fingerprint
        ),
    )
}

/// The visible signature block every record ends with: who signs, in what role, when, and
/// the certificate fingerprint to compare with the published one.
fn signature_block(
    signer: &signing::CertInfo,
    org: &str,
    now: &chrono::DateTime<chrono::FixedOffset>,
    has_answers: bool,
) -> String {
    let e = document::escape;
    let when = now
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%d %H:%M");
    let files = if has_answers {
        "answers.toml, result.json"
    } else {
        "result.json"
    };
    crate::i18n::t(
        &format!(
            "\n## Signatur\n!kv Signerad av | {}\n!kv Roll | {}\n!kv Organisation | {}\n!kv Tidpunkt | {when}\n!kv Certifikatets SHA-256-fingeravtryck | {}\n\nDokumentet bär en inbäddad elektronisk signatur (CAdES). Kontrollera den med `dataskydd verify` eller `pdfsig`. Underlaget finns bifogat i dokumentet ({files}).\n",
            e(&signer.name), e(&signer.role), e(org), signer.fingerprint
        ),
        &format!(
            "\n## Signature\n!kv Signed by | {}\n!kv Role | {}\n!kv Organisation | {}\n!kv Time | {when}\n!kv SHA-256 fingerprint of the certificate | {}\n\nThe document carries an embedded electronic signature (CAdES). Check it with `dataskydd verify` or `pdfsig`. The basis is attached to the document ({files}).\n",
            e(&signer.name), e(&signer.role), e(org), signer.fingerprint
        ),
    )
}

/// The template rendered to the document markup.
pub fn render_markup(record: &Record) -> Result<String> {
    let lang = crate::i18n::current().code();
    let text = template(record.template, lang)?;
    document::render_template(text, &record.data)
        .map_err(|e| Error::input(format!("template {}.{lang}.hbs: {e}", record.template)))
}

/// The templates compiled into the binary.
fn template(name: &str, lang: &str) -> Result<&'static str> {
    TEMPLATES
        .iter()
        .find(|(n, l, _)| *n == name && *l == lang)
        .map(|(_, _, t)| *t)
        .ok_or_else(|| Error::Usage(format!("no template {name}.{lang}.hbs")))
}

#[rustfmt::skip]
const TEMPLATES: &[(&str, &str, &str)] = &[
    ("assessment", "sv", include_str!("../templates/assessment.sv.hbs")),
    ("assessment", "en", include_str!("../templates/assessment.en.hbs")),
    ("summary", "sv", include_str!("../templates/summary.sv.hbs")),
    ("summary", "en", include_str!("../templates/summary.en.hbs")),
    ("breach", "sv", include_str!("../templates/breach.sv.hbs")),
    ("breach", "en", include_str!("../templates/breach.en.hbs")),
    ("consent_receipt", "sv", include_str!("../templates/consent_receipt.sv.hbs")),
    ("consent_receipt", "en", include_str!("../templates/consent_receipt.en.hbs")),
    ("consent_extract", "sv", include_str!("../templates/consent_extract.sv.hbs")),
    ("consent_extract", "en", include_str!("../templates/consent_extract.en.hbs")),
    ("photo_decision", "sv", include_str!("../templates/photo_decision.sv.hbs")),
    ("photo_decision", "en", include_str!("../templates/photo_decision.en.hbs")),
    ("application", "sv", include_str!("../templates/application.sv.hbs")),
    ("application", "en", include_str!("../templates/application.en.hbs")),
    ("account_decision", "sv", include_str!("../templates/account_decision.sv.hbs")),
    ("account_decision", "en", include_str!("../templates/account_decision.en.hbs")),
    ("account_closing", "sv", include_str!("../templates/account_closing.sv.hbs")),
    ("account_closing", "en", include_str!("../templates/account_closing.en.hbs")),
    ("annual_report", "sv", include_str!("../templates/annual_report.sv.hbs")),
    ("annual_report", "en", include_str!("../templates/annual_report.en.hbs")),
];
