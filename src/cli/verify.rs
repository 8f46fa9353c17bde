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

/// Either a verified signature, or an error with its exit code.
enum Outcome {
    Valid(Box<Verification>, Option<String>),
    Failed(i32, String),
}

fn check(a: &VerifyArgs) -> Outcome {
    let pdf = match std::fs::read(&a.file) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(2, Error::io(&a.file, e).to_string()),
    };
    let v = match signing::verify_pdf(&pdf) {
        Ok(v) => v,
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
            return Outcome::Failed(code, m);
        }
    };
    let mut trust_note = None;
    if let Some(tp) = &a.trust {
        let trusted = match std::fs::read(tp) {
            Ok(b) => match signing::read_certificates(&b) {
                Ok(c) => c,
                Err(m) => return Outcome::Failed(2, format!("{}: {m}", tp.display())),
            },
            Err(e) => return Outcome::Failed(2, Error::io(tp, e).to_string()),
        };
        match signing::check_trust(&v, &trusted) {
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
                            v.signer,
                            v.fingerprint
                        ),
                        &format!(
                            "{}: the signature is valid but NOT trusted by {}: {why} \
                             (signer {}, fingerprint {})",
                            a.file.display(),
                            tp.display(),
                            v.signer,
                            v.fingerprint
                        ),
                    ),
                )
            }
        }
    }
    Outcome::Valid(Box::new(v), trust_note)
}

pub fn run_verify(_ctx: &Ctx, a: VerifyArgs) -> Result<i32> {
    let outcome = check(&a);
    if a.json {
        let (code, value) = match &outcome {
            Outcome::Valid(v, _) => (
                0,
                json!({
                    "valid": true,
                    "signer": v.signer,
                    "role": v.role,
                    "organisation": v.organisation,
                    "signed_at": v.signed_at.to_rfc3339(),
                    "fingerprint": v.fingerprint,
                    "subfilter": v.subfilter,
                    "whole_file": v.whole_file,
                    "error": null,
                }),
            ),
            Outcome::Failed(code, m) => (
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
                    "error": m,
                }),
            ),
        };
        print_json(&value);
        return Ok(code);
    }
    let (v, trust_note) = match outcome {
        Outcome::Valid(v, n) => (v, n),
        Outcome::Failed(1, m) => return Err(Error::CheckFailed(m)),
        Outcome::Failed(_, m) => return Err(Error::input(m)),
    };
    let local = v.signed_at.with_timezone(&chrono_tz::Europe::Stockholm);
    println!(
        "{}",
        t(
            &format!("{}: signaturen är giltig.", a.file.display()),
            &format!("{}: the signature is valid.", a.file.display()),
        )
    );
    let w = |label: &str, value: &str| println!("  {:<15}{value}", format!("{label}:"));
    w(&t("Undertecknare", "Signer"), &v.signer);
    w(&t("Roll", "Role"), &v.role);
    w(&t("Organisation", "Organisation"), &v.organisation);
    w(
        &t("Signerad", "Signed"),
        &format!("{} (Europe/Stockholm)", local.format("%Y-%m-%d %H:%M:%S")),
    );
    w(
        &t("Fingeravtryck", "Fingerprint"),
        &format!("SHA-256 {}", v.fingerprint),
    );
    w(&t("Typ", "Type"), &v.subfilter);
    println!(
        "  {}",
        t(
            "Hela dokumentet är signerat och oförändrat sedan signeringen.",
            "The whole document is signed and unchanged since signing.",
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
