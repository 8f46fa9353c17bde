//! `dataskydd verify` (check the embedded signature of a PDF record) and `dataskydd rerun`
//! (see `rerun.rs`).

use std::path::PathBuf;

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::signing::{self, Verification, VerifyError};

#[derive(clap::Args, Debug)]
#[command(after_help = "Exempel / example:\n  \
    dataskydd verify output/nykoping-fb-2026-11-20.pdf\n  \
    dataskydd verify record.pdf --trust keys/key.crt --json\n\n\
    Slutstatus / exit status: 0 giltig (valid), 1 ogiltig eller ändrad (invalid or changed), \
    2 oläsbar eller osignerad (unreadable or not signed).")]
pub struct VerifyArgs {
    /// The signed PDF record
    #[arg(value_name = "FILE.pdf")]
    pub file: PathBuf,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
    /// Require the signer's certificate to be this one (PEM or DER), or to chain to it
    #[arg(long, value_name = "CERT.pem")]
    pub trust: Option<PathBuf>,
}

/// Either a verified record, or an error with its exit code.
enum Outcome {
    Valid(Box<Verification>, Box<signing::Report>, Option<String>),
    Failed(i32, String, Option<Box<signing::Report>>),
}

fn check(a: &VerifyArgs) -> Outcome {
    let pdf = match read_limited(&a.file) {
        Ok(b) => b,
        Err(m) => return Outcome::Failed(2, m, None),
    };
    let report = match signing::verify_all(&pdf) {
        Ok(r) => r,
        Err(e) => {
            let code = e.exit_code();
            let m = match e {
                VerifyError::Invalid(m) => t(
                    &format!("{}: signaturen är INTE giltig: {m}", a.file.display()),
                    &format!("{}: the signature is NOT valid: {m}", a.file.display()),
                ),
                VerifyError::NotSigned(m) | VerifyError::Unreadable(m) => {
                    format!("{}: {m}", a.file.display())
                }
            };
            return Outcome::Failed(code, m, None);
        }
    };
    if let Some(p) = report.problem() {
        return Outcome::Failed(
            1,
            t(
                &format!("{}: signaturen är INTE giltig: {p}", a.file.display()),
                &format!("{}: the signature is NOT valid: {p}", a.file.display()),
            ),
            Some(Box::new(report)),
        );
    }
    let Some(v) = report
        .signatures
        .iter()
        .rev()
        .find_map(|s| s.verification.clone())
    else {
        return Outcome::Failed(
            2,
            t(
                &format!(
                    "{}: filen har bara dokumenttidsstämplar, ingen signatur",
                    a.file.display()
                ),
                &format!(
                    "{}: the file has only document timestamps, no signature",
                    a.file.display()
                ),
            ),
            Some(Box::new(report)),
        );
    };
    let mut trust_note = None;
    if let Some(tp) = &a.trust {
        let trusted = match std::fs::read(tp) {
            Ok(b) => match signing::read_certificates(&b) {
                Ok(c) => c,
                Err(m) => return Outcome::Failed(2, format!("{}: {m}", tp.display()), None),
            },
            Err(e) => return Outcome::Failed(2, Error::io(tp, e).to_string(), None),
        };
        // Every signer must be trusted, not only the last.
        for s in &report.signatures {
            let Some(sv) = &s.verification else { continue };
            match signing::check_trust(sv, &trusted) {
                Ok(how) => trust_note = Some(how),
                Err(why) => {
                    return Outcome::Failed(
                        1,
                        t(
                            &format!(
                                "{}: signaturen är giltig men INTE betrodd enligt {}: {why} \
                                 (undertecknare {}, fingeravtryck {})",
                                a.file.display(),
                                tp.display(),
                                sv.signer,
                                sv.fingerprint
                            ),
                            &format!(
                                "{}: the signature is valid but NOT trusted by {}: {why} \
                                 (signer {}, fingerprint {})",
                                a.file.display(),
                                tp.display(),
                                sv.signer,
                                sv.fingerprint
                            ),
                        ),
                        Some(Box::new(report)),
                    )
                }
            }
        }
    }
    Outcome::Valid(Box::new(v), Box::new(report), trust_note)
}

/// Reads at most 256 MiB (a record is kilobytes; `/dev/zero` must not fill the memory).
/// The file, refused when it is no ordinary file or larger than any record (see `input`).
fn read_limited(path: &std::path::Path) -> std::result::Result<Vec<u8>, String> {
    crate::input::read(path, crate::input::RECORD_LIMIT).map_err(|e| e.to_string())
}

fn kind_code(k: signing::SignatureKind) -> &'static str {
    match k {
        signing::SignatureKind::Signature => "signature",
        signing::SignatureKind::DocumentTimestamp => "document_timestamp",
    }
}

fn signatures_json(r: &signing::Report) -> serde_json::Value {
    let list: Vec<serde_json::Value> = r
        .signatures
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let v = s.verification.as_ref();
            json!({
                "index": i + 1,
                "kind": kind_code(s.kind),
                "valid": s.problem.is_none(),
                "signer": v.map(|v| v.signer.clone()),
                "role": v.map(|v| v.role.clone()),
                "organisation": v.map(|v| v.organisation.clone()),
                "reason": s.reason,
                "signed_at": v.map(|v| v.signed_at.to_rfc3339()),
                "time_source": match (&s.timestamp, s.kind) {
                    (Some(_), _) => "tsa",
                    (None, _) => "signer_clock",
                },
                "timestamp": s.timestamp.as_ref().map(|ts| json!({"time": ts.time.to_rfc3339(), "tsa": ts.tsa})),
                "level": s.level.map(|l| l.code()),
                "revocation": s.revocation.iter().map(revocation_json).collect::<Vec<_>>(),
                "fingerprint": v.map(|v| v.fingerprint.clone()),
                "subfilter": v.map(|v| v.subfilter.clone()),
                "covers_bytes": s.covers,
                "file_bytes": r.file_len,
                "whole_file": s.whole_file,
                "changes_after": s.changes_after.iter().map(|c| json!({"allowed": c.allowed, "change": c.what})).collect::<Vec<_>>(),
                "only_allowed_changes_after": s.changes_after.iter().all(|c| c.allowed),
                "error": s.problem,
            })
        })
        .collect();
    json!(list)
}

fn revocation_json(r: &signing::Revocation) -> serde_json::Value {
    use signing::revocation::Status;
    let (status, at, reason) = match &r.status {
        Status::Good => ("good", None, None),
        Status::Revoked { at, reason } => ("revoked", Some(at.to_rfc3339()), reason.clone()),
        Status::Unknown => ("unknown", None, None),
    };
    json!({"certificate": r.certificate, "status": status, "revoked_at": at, "reason": reason, "source": r.source})
}

/// One line on what the embedded revocation data say of a certificate.
fn revocation_line(r: &signing::Revocation) -> String {
    use signing::revocation::Status;
    match &r.status {
        Status::Good => t(
            &format!("{}: inte spärrat enligt {}", r.certificate, r.source),
            &format!("{}: not revoked per {}", r.certificate, r.source),
        ),
        Status::Revoked { at, reason } => {
            let why = reason
                .as_deref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            t(
                &format!(
                    "{}: SPÄRRAT {} (Europe/Stockholm){why} enligt {}",
                    r.certificate,
                    local(*at),
                    r.source
                ),
                &format!(
                    "{}: REVOKED {} (Europe/Stockholm){why} per {}",
                    r.certificate,
                    local(*at),
                    r.source
                ),
            )
        }
        Status::Unknown => t(
            &format!("{}: okänt för {}", r.certificate, r.source),
            &format!("{}: unknown to {}", r.certificate, r.source),
        ),
    }
}

fn dss_json(r: &signing::Report) -> serde_json::Value {
    match &r.validation_data {
        Some(d) => json!({"certificates": d.certs, "ocsp_responses": d.ocsps, "crls": d.crls}),
        None => serde_json::Value::Null,
    }
}

pub fn run_verify(_ctx: &Ctx, a: VerifyArgs) -> Result<i32> {
    let outcome = check(&a);
    if a.json {
        let (code, value) = match &outcome {
            Outcome::Valid(v, r, _) => (
                0,
                json!({
                    "valid": true,
                    "signer": v.signer,
                    "role": v.role,
                    "organisation": v.organisation,
                    "signed_at": v.signed_at.to_rfc3339(),
                    "fingerprint": v.fingerprint,
                    "subfilter": v.subfilter,
                    "whole_file": r.signatures.iter().any(|s| s.whole_file),
                    "signatures": signatures_json(r),
                    "validation_data": dss_json(r),
                    "error": null,
                }),
            ),
            Outcome::Failed(code, m, r) => (
                *code,
                json!({
                    "valid": false,
                    "signer": null,
                    "role": null,
                    "organisation": null,
                    "signed_at": null,
                    "fingerprint": null,
                    "subfilter": null,
                    "whole_file": false,
                    "signatures": r.as_ref().map(|r| signatures_json(r)).unwrap_or(json!([])),
                    "validation_data": r.as_ref().map(|r| dss_json(r)).unwrap_or(serde_json::Value::Null),
                    "error": m,
                }),
            ),
        };
        print_json(&value);
        return Ok(code);
    }
    let (report, trust_note) = match outcome {
        Outcome::Valid(_, r, n) => (r, n),
        Outcome::Failed(code, m, r) => {
            if let Some(r) = r {
                print_signatures(&a, &r);
            }
            return Err(if code == 1 {
                Error::CheckFailed(m)
            } else {
                Error::input(m)
            });
        }
    };
    println!(
        "{}",
        t(
            &format!(
                "{}: signaturen är giltig ({} av {} signaturer och tidsstämplar kontrollerade).",
                a.file.display(),
                report.signatures.len(),
                report.signatures.len()
            ),
            &format!(
                "{}: the signature is valid ({} of {} signatures and timestamps checked).",
                a.file.display(),
                report.signatures.len(),
                report.signatures.len()
            ),
        )
    );
    print_signatures(&a, &report);
    println!(
        "  {}",
        t(
            "Hela dokumentet är signerat och oförändrat sedan signeringen; senare revisioner lägger \
             bara till signaturer, tidsstämplar eller valideringsdata.",
            "The whole document is signed and unchanged since signing; later revisions only add \
             signatures, timestamps or validation data.",
        )
    );
    match trust_note {
        Some(how) => println!(
            "  {:<15}{} — {how}",
            format!("{}:", t("Betrodd", "Trusted")),
            t("ja", "yes")
        ),
        None => println!(
            "  {}",
            t(
                "Obs: certifikatet är inte jämfört med en betrodd källa; jämför fingeravtrycket med \
                 det organisationen har publicerat, eller använd --trust CERT.pem.",
                "Note: the certificate was not compared with a trusted source; compare the \
                 fingerprint with the one the organisation published, or use --trust CERT.pem.",
            )
        ),
    }
    Ok(0)
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn print_signatures(_a: &VerifyArgs, r: &signing::Report) {
    let w = |label: &str, value: &str| println!("    {:<17}{value}", format!("{label}:"));
    for (i, s) in r.signatures.iter().enumerate() {
        let head = match s.kind {
            signing::SignatureKind::Signature => t("Signatur", "Signature"),
            signing::SignatureKind::DocumentTimestamp => {
                t("Dokumenttidsstämpel", "Document timestamp")
            }
        };
        let state = if s.problem.is_some() {
            t("OGILTIG", "NOT VALID")
        } else {
            t("giltig", "valid")
        };
        println!("  {head} {} ({state})", i + 1);
        if let Some(v) = &s.verification {
            w(&t("Undertecknare", "Signer"), &v.signer);
            w(&t("Roll", "Role"), &v.role);
            w(&t("Organisation", "Organisation"), &v.organisation);
            if !s.reason.is_empty() {
                w(&t("Skäl", "Reason"), &s.reason);
            }
            w(
                &t("Signerad", "Signed"),
                &format!(
                    "{} (Europe/Stockholm){}",
                    local(v.signed_at.with_timezone(&chrono::Utc)),
                    if s.timestamp.is_none() {
                        t(
                            " — undertecknarens egen klocka",
                            " — the signer's own clock",
                        )
                    } else {
                        String::new()
                    }
                ),
            );
            w(
                &t("Fingeravtryck", "Fingerprint"),
                &format!("SHA-256 {}", v.fingerprint),
            );
            w(&t("Typ", "Type"), &v.subfilter);
        }
        if let Some(ts) = &s.timestamp {
            w(
                &t("Tidsstämpel", "Timestamp"),
                &format!("{} (Europe/Stockholm), {}", local(ts.time), ts.tsa),
            );
        }
        if let Some(l) = s.level {
            w(&t("PAdES-nivå", "PAdES level"), l.code());
        }
        for rv in &s.revocation {
            w(&t("Spärrstatus", "Revocation"), &revocation_line(rv));
        }
        w(
            &t("Omfattar", "Covers"),
            &t(
                &format!(
                    "byte 0–{} av {}{}",
                    s.covers,
                    r.file_len,
                    if s.whole_file { " (hela filen)" } else { "" }
                ),
                &format!(
                    "bytes 0–{} of {}{}",
                    s.covers,
                    r.file_len,
                    if s.whole_file {
                        " (the whole file)"
                    } else {
                        ""
                    }
                ),
            ),
        );
        for c in &s.changes_after {
            w(
                &t("Ändrat efter", "Changed after"),
                &format!(
                    "{}{}",
                    c.what,
                    if c.allowed { "" } else { " — " }.to_string()
                        + &if c.allowed {
                            String::new()
                        } else {
                            t("INTE TILLÅTET", "NOT ALLOWED")
                        }
                ),
            );
        }
        if let Some(p) = &s.problem {
            w(&t("Problem", "Problem"), p);
        }
    }
    if let Some(d) = &r.validation_data {
        println!(
            "  {}",
            t(
                &format!(
                    "Valideringsdata inbäddade (DSS): {} certifikat, {} OCSP-svar, {} spärrlistor.",
                    d.certs, d.ocsps, d.crls
                ),
                &format!(
                    "Validation data embedded (DSS): {} certificates, {} OCSP responses, {} CRLs.",
                    d.certs, d.ocsps, d.crls
                ),
            )
        );
    }
}
