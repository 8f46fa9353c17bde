//! Writing a record: template → document → signature → disk.
//!
//! This is the one place where the pipeline's parts meet; it knows no law (the assessment
//! hands it finished data) and no PDF internals (the document and signing modules do).

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::document::{self, Attachment, Meta};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
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

/// Renders, signs and writes a record into `out_dir` as `STEM.pdf`; returns the path
/// written. A signed record is never replaced: if the name is taken, nothing is written and
/// the error says so (the stem must be unique: an id given out under a lock).
pub fn write(ws: &Workspace, record: &Record, out_dir: &Path) -> Result<PathBuf> {
    let signer = crate::signing::keystore::cached_signer(ws)?;
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
    let name = format!("{}.pdf", record.file_stem);
    match publish_new(out_dir, &bytes, std::iter::once(name.clone()))? {
        Some(path) => Ok(path),
        None => Err(Error::Usage(t(
            &format!(
                "{} finns redan: en signerad handling ersätts aldrig, inget skrevs",
                out_dir.join(&name).display()
            ),
            &format!(
                "{} already exists: a signed record is never replaced, nothing was written",
                out_dir.join(&name).display()
            ),
        ))),
    }
}

/// Like [`write`], but the name is `STEM-YYYYMMDD-HHMMSS-NN.pdf`: the time of signing and
/// the first free sequence number, so two records of the same second never collide.
pub fn write_dated(ws: &Workspace, record: &Record, out_dir: &Path) -> Result<PathBuf> {
    let signer = crate::signing::keystore::cached_signer(ws)?;
    write_dated_signed(ws, record, out_dir, &[signer])
}

/// Like [`write_dated`], signed by each of `signers` in turn.
pub fn write_dated_signed(
    ws: &Workspace,
    record: &Record,
    out_dir: &Path,
    signers: &[std::sync::Arc<dyn signing::DigestSigner>],
) -> Result<PathBuf> {
    let bytes = render_signed(ws, record, signers)?;
    crate::workspace::ensure_private_dir(out_dir)?;
    let stamp = crate::clock::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y%m%d-%H%M%S")
        .to_string();
    let names = (1..).map(|n| format!("{}-{stamp}-{n:02}.pdf", record.file_stem));
    Ok(publish_new(out_dir, &bytes, names)?.expect("an endless list of names"))
}

/// Counts temp files within this process, so parallel writers never share one.
static TEMP_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes `bytes` to a temp file in `dir`, fsyncs it, then links it under the first of
/// `names` that does not exist (a hard link never replaces: the file system decides, also
/// between processes), removes the temp name and fsyncs the folder, so a crash leaves the
/// record either whole under its name or not there. Returns None when every name is taken.
fn publish_new(
    dir: &Path,
    bytes: &[u8],
    names: impl Iterator<Item = String>,
) -> Result<Option<PathBuf>> {
    use std::io::Write;
    let mut names = names.peekable();
    let first = names.peek().cloned().unwrap_or_else(|| "record.pdf".into());
    let seq = TEMP_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{first}.tmp-{}-{seq}", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let mut f = opts.open(&tmp).at(&tmp)?;
    let written = f.write_all(bytes).and_then(|_| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&tmp, e));
    }
    let mut result = None;
    for name in names {
        let path = dir.join(&name);
        match std::fs::hard_link(&tmp, &path) {
            Ok(()) => {
                result = Some(path);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::io(&path, e));
            }
        }
    }
    let _ = std::fs::remove_file(&tmp);
    sync_dir(dir)?;
    Ok(result)
}

/// fsyncs a folder, so a new name in it survives a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let d = std::fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .at(dir)?;
        d.sync_all().at(dir)?;
    }
    Ok(())
}

/// Removes the temp files a killed writer left in `dir` (`.NAME.tmp-PID` or
/// `.NAME.tmp-PID-N`): only regular files (never a symlink) whose process is gone, so a
/// writer that is still running keeps its file. Returns how many were removed.
pub fn clean_stale_temps(dir: &Path) -> Result<usize> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut removed = 0;
    for entry in rd.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = stale_temp_pid(name) else {
            continue;
        };
        if process_alive(pid) {
            continue;
        }
        let path = entry.path();
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_file() => {}
            _ => continue,
        }
        if std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        sync_dir(dir)?;
    }
    Ok(removed)
}

/// The writer's process id in a temp file's name, if the name is one of ours.
fn stale_temp_pid(name: &str) -> Option<u32> {
    if !name.starts_with('.') {
        return None;
    }
    let (_, tail) = name.rsplit_once(".tmp-")?;
    let pid = tail.split('-').next()?;
    if tail.split('-').count() > 2
        || !tail
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    pid.parse().ok()
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Renders and signs a record into bytes (nothing written).
pub fn render(ws: &Workspace, record: &Record) -> Result<Vec<u8>> {
    let signer = crate::signing::keystore::cached_signer(ws)?;
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
    // The registers' state as this record is made (see `registers::witness`): in
    // result.json always, and as one line for the archivist, except on the texts meant
    // for the person the data is about (a receipt, an extract).
    let states = crate::registers::witness::states(ws)?;
    if !states.is_empty() && !matches!(record.template, "consent_receipt" | "consent_extract") {
        markup.push_str(&crate::i18n::t(
            &format!(
                "!kv Registrens kedjesummor när handlingen skapades | {}\n",
                document::escape(&crate::registers::witness::summary(&states))
            ),
            &format!(
                "!kv The registers' chain heads when the record was made | {}\n",
                document::escape(&crate::registers::witness::summary(&states))
            ),
        ));
    }
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
            questionnaire.and_then(|id| crate::questionnaire::Questionnaire::shared(id).ok())
        {
            obj.insert("questionnaire".into(), json!(q.id));
            obj.insert("questionnaire_version".into(), json!(q.version));
        }
        obj.insert(
            "rules_version".into(),
            json!(crate::assessment::RULES_VERSION),
        );
        obj.insert("tool_version".into(), json!(env!("CARGO_PKG_VERSION")));
        obj.insert("registers".into(), json!(states));
    }
    attachments.push(Attachment {
        name: "result.json".into(),
        mime: "application/json".into(),
        description: "Resultatet med skäl och källor / the result with reasons and sources".into(),
        bytes: serde_json::to_vec_pretty(&result).expect("JSON values serialise"),
        relationship: document::Relationship::Data,
    });
    let rendered = document::render_pdf_parsed(&markup, &meta, &attachments)?;
    let location = ws
        .config
        .signing
        .location
        .clone()
        .unwrap_or_else(|| ws.config.organisation.name.clone());
    let tsa = crate::signing::keystore::tsa(ws);
    let info = SignInfo {
        reason: record.reason.clone(),
        location,
        time: now,
    };
    // The first signature from the objects as rendered; a co-signer's on the signed file.
    let mut signed = signing::sign_parsed_with(
        &rendered.bytes,
        &rendered.objects,
        &*signer,
        &info,
        tsa.as_ref(),
    )?;
    drop(rendered);
    for s in &signers[1..] {
        signed = signing::sign_pdf_with(&signed, &**s, &info, tsa.as_ref())?;
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
    let when = crate::i18n::human_time(&now.to_rfc3339());
    let files = if has_answers {
        "answers.toml, result.json"
    } else {
        "result.json"
    };
    crate::i18n::t(
        &format!(
            "\n## Signatur\n!kv Signerad av | {}\n!kv Roll | {}\n!kv Organisation | {}\n!kv Tidpunkt | {when}\n!kv Certifikatets SHA-256-fingeravtryck | {}\n\nDokumentet bär en inbäddad elektronisk signatur (CAdES). Den kan kontrolleras i en PDF-läsare som visar signaturer. Underlaget finns bifogat i dokumentet ({files}).\n",
            e(&signer.name), e(&signer.role), e(org), signer.fingerprint
        ),
        &format!(
            "\n## Signature\n!kv Signed by | {}\n!kv Role | {}\n!kv Organisation | {}\n!kv Time | {when}\n!kv SHA-256 fingerprint of the certificate | {}\n\nThe document carries an embedded electronic signature (CAdES). It can be checked in any PDF reader that shows signatures. The basis is attached to the document ({files}).\n",
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

/// Compiles the record template `name` in `lang` into the per-process cache (see
/// [`crate::pipeline::prewarm`]); an unknown name is left for the render to report.
pub fn prepare_template(name: &str, lang: &str) {
    if let Ok(text) = template(name, lang) {
        document::compile_template(text);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_temp_names_are_taken_for_stale() {
        assert_eq!(
            stale_temp_pid(".bedomning-x-20261120-100000-01.pdf.tmp-4242-7"),
            Some(4242)
        );
        assert_eq!(stale_temp_pid(".consents.csv.tmp-17"), Some(17));
        assert_eq!(stale_temp_pid("bedomning.pdf.tmp-17"), None);
        assert_eq!(stale_temp_pid(".x.pdf.tmp-17-a"), None);
        assert_eq!(stale_temp_pid(".x.pdf.tmp-"), None);
        assert_eq!(stale_temp_pid(".x.pdf"), None);
    }

    #[test]
    fn a_dead_writers_temp_file_goes_a_live_ones_stays() {
        let d = tempfile::tempdir().unwrap();
        // A process id that does not exist (above the kernel's pid_max).
        let dead = d.path().join(".a.pdf.tmp-99999999-0");
        let live = d
            .path()
            .join(format!(".b.pdf.tmp-{}-0", std::process::id()));
        let other = d.path().join("c.pdf");
        for p in [&dead, &live, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        assert_eq!(clean_stale_temps(d.path()).unwrap(), 1);
        assert!(!dead.exists() && live.exists() && other.exists());
    }
}
