//! `dataskydd sign` (add a signature: the decision-maker's, or one made by a standalone
//! signing service through `--prepare` / `--complete`) and `dataskydd timestamp` (a document
//! timestamp, PAdES B-LTA).
//!
//! Every signature is an incremental update: the bytes already signed stay a prefix. The
//! result is verified (every signature, and that the update is an allowed change) before it
//! replaces the file, so nothing half-done is ever written.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::signing::adding::{
    check_after, check_before, fetch_validation_data, hex, looks_like_cms, signing_der_len, unhex,
};
use crate::signing::{self, DigestSigner, KeyKind, Prepared, SigKind, SignInfo};
use crate::workspace::{write_atomic, Workspace};

#[derive(clap::Args, Debug)]
#[command(after_help = "Exempel / examples:\n  \
    dataskydd sign output/bedomning-nykoping-fb.pdf --as \"Karin Lund\"\n  \
    dataskydd sign beslut.pdf --prepare --cert karin-lund.pem\n  \
    dataskydd sign beslut.pdf --complete svar-fran-underskriftstjansten.der\n\n\
    --prepare skriver FIL.pending.pdf (med reserverat signaturutrymme) och FIL.sign-request.json \
    (kontrollsumman över de signerade attributen, certifikatet) till underskriftstjänsten; \
    bara kontrollsumman behöver lämna organisationen.")]
pub struct Args {
    /// The signed record to add a signature to
    #[arg(value_name = "FILE.pdf")]
    pub file: PathBuf,
    /// Sign as this person (their key in keys/, made with `keys new --name …`)
    #[arg(long = "as", value_name = "NAME")]
    pub as_name: Option<String>,
    /// Why this signature is made (default: "Beslut")
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Write what a standalone signing service needs and reserve the signature space
    #[arg(long, conflicts_with = "complete")]
    pub prepare: bool,
    /// The signer's certificate chain for --prepare (PEM, signer first)
    #[arg(long, value_name = "CERT.pem", requires = "prepare")]
    pub cert: Option<PathBuf>,
    /// Embed the signing service's answer: a CMS signature (DER/PEM), or a raw signature
    #[arg(long, value_name = "SIG")]
    pub complete: Option<PathBuf>,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd timestamp output/*.pdf\n\n\
    Kräver [signing] tsa_url i dataskydd.toml. Kan köras igen innan den senaste tidsstämpelns \
    certifikat går ut; varje körning lägger en ny tidsstämpel över allt det tidigare."
)]
pub struct TimestampArgs {
    /// Signed records
    #[arg(value_name = "FILE.pdf", required = true)]
    pub files: Vec<PathBuf>,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

fn pending_path(file: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pending.pdf", file.display()))
}
fn request_path(file: &Path) -> PathBuf {
    PathBuf::from(format!("{}.sign-request.json", file.display()))
}
fn digest_path(file: &Path) -> PathBuf {
    PathBuf::from(format!("{}.sign-digest.bin", file.display()))
}

fn location(ws: &Workspace) -> String {
    ws.config
        .signing
        .location
        .clone()
        .unwrap_or_else(|| ws.config.organisation.name.clone())
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    if let Some(sig) = &a.complete {
        return complete(&ws, &a, sig);
    }
    let pdf = crate::input::read(&a.file, crate::input::RECORD_LIMIT)?;
    check_before(&a.file, &pdf)?;
    let reason = a.reason.clone().unwrap_or_else(|| t("Beslut", "Decision"));
    let info = SignInfo {
        reason,
        location: location(&ws),
        time: crate::clock::now(),
    };
    if a.prepare {
        return prepare(&ws, &a, &pdf, &info);
    }
    let signer: std::sync::Arc<dyn DigestSigner> = match &a.as_name {
        Some(n) => std::sync::Arc::new(crate::signing::keystore::signer_named(&ws, n)?),
        None => crate::signing::keystore::cached_signer(&ws)?,
    };
    let tsa = crate::signing::keystore::tsa(&ws);
    let out = signing::sign_pdf_with(&pdf, &*signer, &info, tsa.as_ref())
        .map_err(|e| e.in_file(&a.file))?;
    let report = check_after(&a.file, &pdf, &out)?;
    write_atomic(&a.file, &out)?;
    done(&a.file, &report, a.json, signer.info())
}

fn done(file: &Path, report: &signing::Report, json: bool, who: &signing::CertInfo) -> Result<i32> {
    let n = report.signatures.len();
    let level = report
        .signatures
        .last()
        .and_then(|s| s.level)
        .map(|l| l.code())
        .unwrap_or("-");
    if json {
        print_json(&json!({
            "file": file.display().to_string(),
            "signer": who.name,
            "role": who.role,
            "signatures": n,
            "level": level,
        }));
        return Ok(0);
    }
    println!(
        "{}",
        t(
            &format!(
                "{}: signerad av {} ({}), PAdES {level}; dokumentet bär nu {n} signaturer.",
                file.display(),
                who.name,
                who.role
            ),
            &format!(
                "{}: signed by {} ({}), PAdES {level}; the document now carries {n} signatures.",
                file.display(),
                who.name,
                who.role
            ),
        )
    );
    Ok(0)
}

fn prepare(ws: &Workspace, a: &Args, pdf: &[u8], info: &SignInfo) -> Result<i32> {
    let chain = match (&a.cert, &a.as_name) {
        (Some(c), _) => {
            let bytes = std::fs::read(c).at(c)?;
            signing::read_certificates(&bytes).map_err(|m| Error::input(m).in_file(c))?
        }
        (None, Some(n)) => crate::signing::keystore::signer_named(ws, n)?
            .chain()
            .to_vec(),
        (None, None) => crate::signing::keystore::cached_signer(ws)?
            .chain()
            .to_vec(),
    };
    let cert_info = signing::cert_info(&chain[0]).map_err(Error::input)?;
    signing::check_validity(&cert_info, info.time)?;
    let kind = KeyKind::of_certificate(&chain[0]).map_err(Error::input)?;
    let with_ts = ws.config.signing.tsa_url.is_some();
    // Room for the service's own CMS too (its chain may be longer than ours).
    let reserved = signing::cms_size(&chain, kind, with_ts)? + 8192;
    let prepared = signing::prepare(
        pdf,
        &SigKind::Signature {
            name: cert_info.name.clone(),
            info: info.clone(),
        },
        reserved,
    )
    .map_err(|e| e.in_file(&a.file))?;
    let attrs =
        signing::signed_attributes(&chain[0], &prepared.digest, info.time).map_err(Error::input)?;
    let attrs_digest = signing::attributes_digest(&attrs);
    let (pending, request, digest_file) = (
        pending_path(&a.file),
        request_path(&a.file),
        digest_path(&a.file),
    );
    let cert_pem: String = chain
        .iter()
        .map(|d| pem::encode(&pem::Pem::new("CERTIFICATE", d.clone())))
        .collect();
    let req = json!({
        "file": a.file.display().to_string(),
        "prepared_pdf": pending.display().to_string(),
        "byte_range": prepared.byte_range(),
        "hash_algorithm": "SHA-256",
        "document_digest_sha256": hex(&prepared.digest),
        "signed_attributes_der": hex(&attrs),
        "signed_attributes_digest_sha256": hex(&attrs_digest),
        "digest_to_sign_file": digest_file.display().to_string(),
        "signature_algorithm": match kind { KeyKind::EcdsaP256 => "ecdsa-with-SHA256", KeyKind::Rsa => "sha256WithRSAEncryption" },
        "signer": cert_info.name,
        "role": cert_info.role,
        "certificate_chain_pem": cert_pem,
        "signing_time": info.time.to_rfc3339(),
        "reserved_bytes": prepared.capacity(),
    });
    crate::workspace::write_private_new(&pending, &prepared.bytes)
        .map_err(|e| already(e, &pending))?;
    crate::workspace::write_private_new(
        &request,
        serde_json::to_string_pretty(&req).expect("JSON").as_bytes(),
    )
    .map_err(|e| already(e, &request))?;
    crate::workspace::write_private_new(&digest_file, &attrs_digest)
        .map_err(|e| already(e, &digest_file))?;
    if a.json {
        print_json(&req);
        return Ok(0);
    }
    println!(
        "{}",
        t(
            &format!(
                "Förberett för underskriftstjänsten:\n  {}  (kontrollsumman att signera, SHA-256 över de signerade attributen: {})\n  {}  (begäran: certifikat, byteintervall, tid)\n  {}  (dokumentet med reserverat signaturutrymme, {} byte)\nSignera kontrollsumman och kör sedan `dataskydd sign {} --complete SVAR`.",
                digest_file.display(), hex(&attrs_digest), request.display(), pending.display(),
                prepared.capacity(), a.file.display()
            ),
            &format!(
                "Prepared for the signing service:\n  {}  (the digest to sign, SHA-256 of the signed attributes: {})\n  {}  (the request: certificate, byte range, time)\n  {}  (the document with reserved signature space, {} bytes)\nSign the digest, then run `dataskydd sign {} --complete ANSWER`.",
                digest_file.display(), hex(&attrs_digest), request.display(), pending.display(),
                prepared.capacity(), a.file.display()
            ),
        )
    );
    Ok(0)
}

fn already(e: Error, path: &Path) -> Error {
    if path.exists() {
        Error::Usage(t(
            &format!(
                "{} finns redan: en signering är redan förberedd; slutför den med --complete, \
                 eller ta bort filerna .pending.pdf, .sign-request.json och .sign-digest.bin",
                path.display()
            ),
            &format!(
                "{} exists already: a signing is already prepared; complete it with --complete, \
                 or remove the .pending.pdf, .sign-request.json and .sign-digest.bin files",
                path.display()
            ),
        ))
    } else {
        e
    }
}

fn complete(ws: &Workspace, a: &Args, sig_path: &Path) -> Result<i32> {
    let (pending, request) = (pending_path(&a.file), request_path(&a.file));
    if !request.exists() || !pending.exists() {
        return Err(Error::Usage(t(
            &format!(
                "ingen förberedd signering för {}: kör först `dataskydd sign {} --prepare`",
                a.file.display(),
                a.file.display()
            ),
            &format!(
                "no prepared signing for {}: run `dataskydd sign {} --prepare` first",
                a.file.display(),
                a.file.display()
            ),
        )));
    }
    let current = crate::input::read(&a.file, crate::input::RECORD_LIMIT)?;
    let prepared_bytes = std::fs::read(&pending).at(&pending)?;
    if !prepared_bytes.starts_with(&current) {
        return Err(Error::input(t(
            "filen har ändrats sedan signeringen förbereddes; förbered igen",
            "the file has changed since the signing was prepared; prepare again",
        ))
        .in_file(&a.file));
    }
    let req_text = std::fs::read_to_string(&request).at(&request)?;
    let req: serde_json::Value = serde_json::from_str(&req_text)
        .map_err(|e| Error::input(e.to_string()).in_file(&request))?;
    let field = |k: &str| -> Result<String> {
        req[k].as_str().map(str::to_string).ok_or_else(|| {
            Error::input(t(
                &format!("fältet {k} saknas"),
                &format!("the field {k} is missing"),
            ))
            .in_file(&request)
            .field(k)
        })
    };
    let prepared = Prepared::from_bytes(prepared_bytes).map_err(|e| e.in_file(&pending))?;
    if hex(&prepared.digest) != field("document_digest_sha256")? {
        return Err(Error::input(t(
            "den förberedda filen stämmer inte med begäran (kontrollsumman skiljer sig)",
            "the prepared file does not match the request (the digest differs)",
        ))
        .in_file(&pending));
    }
    let answer = std::fs::read(sig_path).at(sig_path)?;
    let answer = match pem::parse(&answer) {
        Ok(p) => p.contents().to_vec(),
        Err(_) => answer,
    };
    let bad_answer = |m: String| {
        Error::input(t(
            &format!("underskriftstjänstens svar duger inte: {m}; ingenting har skrivits"),
            &format!("the signing service's answer does not do: {m}; nothing was written"),
        ))
        .in_file(sig_path)
    };
    let (cms_der, who) = if looks_like_cms(&answer) {
        let der_len = signing_der_len(&answer).unwrap_or(answer.len());
        let cms = answer[..der_len].to_vec();
        let v = signing::check_cms(&cms, &prepared).map_err(|e| bad_answer(e.message().into()))?;
        let who = signing::cert_info(&v.certificates[0]).map_err(bad_answer)?;
        (cms, who)
    } else {
        let chain = signing::read_certificates(field("certificate_chain_pem")?.as_bytes())
            .map_err(|m| Error::input(m).in_file(&request))?;
        let kind = KeyKind::of_certificate(&chain[0]).map_err(Error::input)?;
        let attrs = unhex(&field("signed_attributes_der")?).ok_or_else(|| {
            Error::input("hex")
                .in_file(&request)
                .field("signed_attributes_der")
        })?;
        let time = chrono::DateTime::parse_from_rfc3339(&field("signing_time")?).map_err(|e| {
            Error::input(e.to_string())
                .in_file(&request)
                .field("signing_time")
        })?;
        let expected =
            signing::signed_attributes(&chain[0], &prepared.digest, time).map_err(Error::input)?;
        if expected != attrs {
            return Err(Error::input(t(
                "begärans signerade attribut stämmer inte med dokumentet",
                "the request's signed attributes do not match the document",
            ))
            .in_file(&request));
        }
        let sig = if kind == KeyKind::EcdsaP256 && answer.len() == 64 {
            signing::ecdsa_raw_to_der(&answer).map_err(bad_answer)?
        } else {
            answer.clone()
        };
        signing::verify_with_certificate(&chain[0], kind, &attrs, &sig).map_err(|m| {
            bad_answer(t(
                &format!(
                    "signaturen gäller inte den förberedda kontrollsumman med {}s certifikat ({m})",
                    field("signer").unwrap_or_default()
                ),
                &format!(
                    "the signature is not over the prepared digest with {}'s certificate ({m})",
                    field("signer").unwrap_or_default()
                ),
            ))
        })?;
        let token = match crate::signing::keystore::tsa(ws) {
            Some(tsa) => {
                let h: [u8; 32] = ring::digest::digest(&ring::digest::SHA256, &sig)
                    .as_ref()
                    .try_into()
                    .expect("32");
                Some(tsa.stamp(&h).map_err(Error::input)?.0)
            }
            None => None,
        };
        let cms = signing::assemble(&chain, kind, &attrs, &sig, token.as_deref())
            .map_err(Error::input)?;
        let who = signing::cert_info(&chain[0]).map_err(Error::input)?;
        (cms, who)
    };
    let out = signing::embed(prepared, &cms_der).map_err(|e| e.in_file(&a.file))?;
    let report = check_after(&a.file, &current, &out)?;
    write_atomic(&a.file, &out)?;
    for p in [pending, request, digest_path(&a.file)] {
        let _ = std::fs::remove_file(p);
    }
    done(&a.file, &report, a.json, &who)
}

pub fn run_timestamp(ctx: &Ctx, a: TimestampArgs) -> Result<i32> {
    let ws = ctx.workspace()?;
    let tsa = crate::signing::keystore::tsa(&ws).ok_or_else(|| {
        Error::Usage(t(
            "ingen tidsstämpeltjänst är inställd: lägg till tsa_url = \"https://…\" under [signing] \
             i dataskydd.toml",
            "no timestamp authority is configured: add tsa_url = \"https://…\" under [signing] \
             in dataskydd.toml",
        ))
    })?;
    let mut results = Vec::new();
    for file in &a.files {
        let pdf = std::fs::read(file).at(file)?;
        check_before(file, &pdf)?;
        // B-LT first: the certificates of every signature and timestamp, embedded (DSS).
        let before = signing::verify_all(&pdf)
            .map_err(|e| Error::input(e.message().to_string()).in_file(file))?;
        let mut certs: Vec<Vec<u8>> = Vec::new();
        for s in &before.signatures {
            let chain = s.verification.iter().flat_map(|v| v.certificates.iter());
            let ts = s.timestamp.iter().flat_map(|t| t.certificates.iter());
            for c in chain.chain(ts) {
                if !certs.contains(c) {
                    certs.push(c.clone());
                }
            }
        }
        let data = fetch_validation_data(file, &certs)?;
        certs.extend(data.certs.iter().cloned());
        let with_dss =
            signing::add_dss(&pdf, &certs, &data.ocsps, &data.crls).map_err(|e| e.in_file(file))?;
        // A certificate revoked before the signature was made: no long-term evidence of it.
        let checked = signing::verify_all(&with_dss)
            .map_err(|e| Error::input(e.message().to_string()).in_file(file))?;
        if let Some(p) = checked.problem() {
            return Err(Error::CheckFailed(t(
                &format!(
                    "{}: tidsstämplas inte: {p}; ingenting har skrivits",
                    file.display()
                ),
                &format!(
                    "{}: not timestamped: {p}; nothing was written",
                    file.display()
                ),
            )));
        }
        for f in &data.statuses {
            if let signing::revocation::Status::Revoked { at, .. } = f.status {
                eprintln!(
                    "{}",
                    t(
                        &format!(
                            "{}: obs: certifikatet för {} är spärrat sedan {} (OCSP-svar från {}); \
                             signaturen gjordes före spärren, och `verify` visar spärren",
                            file.display(),
                            f.name,
                            at.to_rfc3339(),
                            f.url
                        ),
                        &format!(
                            "{}: note: the certificate of {} is revoked since {} (OCSP response \
                             from {}); the signature was made before, and `verify` shows the \
                             revocation",
                            file.display(),
                            f.name,
                            at.to_rfc3339(),
                            f.url
                        ),
                    )
                );
            }
        }
        let out = signing::timestamp_pdf(&with_dss, &tsa).map_err(|e| e.in_file(file))?;
        let report = check_after(file, &pdf, &out)?;
        write_atomic(file, &out)?;
        let stamp = report.signatures.last().and_then(|s| s.timestamp.clone());
        results.push(json!({
            "file": file.display().to_string(),
            "time": stamp.as_ref().map(|s| s.time.to_rfc3339()),
            "tsa": stamp.as_ref().map(|s| s.tsa.clone()),
            "levels": report.signatures.iter().filter_map(|s| s.level.map(|l| l.code())).collect::<Vec<_>>(),
        }));
        if !a.json {
            println!(
                "{}",
                t(
                    &format!(
                        "{}: dokumenttidsstämpel från {} ({}).",
                        file.display(),
                        stamp.as_ref().map(|s| s.tsa.as_str()).unwrap_or("-"),
                        stamp
                            .as_ref()
                            .map(|s| s.time.to_rfc3339())
                            .unwrap_or_default()
                    ),
                    &format!(
                        "{}: document timestamp from {} ({}).",
                        file.display(),
                        stamp.as_ref().map(|s| s.tsa.as_str()).unwrap_or("-"),
                        stamp
                            .as_ref()
                            .map(|s| s.time.to_rfc3339())
                            .unwrap_or_default()
                    ),
                )
            );
        }
    }
    if a.json {
        print_json(&json!({ "timestamped": results }));
    }
    Ok(0)
}
