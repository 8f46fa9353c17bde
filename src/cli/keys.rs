//! `dataskydd keys`: make, import and show the signing key and certificate.

use std::path::{Path, PathBuf};

use chrono::Utc;
use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::signing::{self, CertInfo, DigestSigner, Signer};
use crate::workspace::{create_private_dir, write_atomic, write_private_new};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Make a new signing key (ECDSA P-256) and a self-signed certificate
    #[command(after_help = "Exempel / example:\n  \
        dataskydd keys new --name \"Åsa Öberg\" --role Dataskyddsombud\n  \
        dataskydd keys new --name \"Per Ek\" --role Kommunjurist --org \"Nyköpings kommun\" --default")]
    New(NewArgs),
    /// Show the default signing certificate (or --cert FILE)
    #[command(after_help = "Exempel / example:\n  dataskydd keys show\n  \
        dataskydd keys show --cert keys/key.crt --json")]
    Show(ShowArgs),
    /// Import the organisation's own key and certificate chain as the default signer
    #[command(after_help = "Exempel / example:\n  \
        dataskydd keys import --key /media/usb/dso.key --cert /media/usb/dso-chain.pem\n\n\
        The key must be ECDSA P-256 in PKCS#8 PEM; the certificate file holds the signer's \
        certificate first, then its issuers up to the root.")]
    Import(ImportArgs),
    /// Sign with a key on a card or HSM through its PKCS#11 module (the key never leaves it)
    #[command(
        name = "use-pkcs11",
        after_help = "Exempel / example:\n  \
        dataskydd keys use-pkcs11 --module /usr/lib/softhsm/libsofthsm2.so --token dataskydd \\\n    \
        --key dso --cert dso-chain.pem\n\n\
        PIN-koden frågas efter på terminalen eller läses ur DATASKYDD_PIN; den sparas aldrig."
    )]
    UsePkcs11(UsePkcs11Args),
}

#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// The signer's name (the certificate's CN), e.g. "Åsa Öberg"
    #[arg(long)]
    pub name: String,
    /// The signer's role (the certificate's title), e.g. Dataskyddsombud
    #[arg(long)]
    pub role: String,
    /// The organisation (default: from dataskydd.toml)
    #[arg(long)]
    pub org: Option<String>,
    /// Make it the default signer even if the workspace already has one
    #[arg(long)]
    pub default: bool,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// A certificate file (PEM or DER) instead of the workspace's default
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The private key: ECDSA P-256, PKCS#8 PEM ("BEGIN PRIVATE KEY")
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The certificate chain (PEM), the signer's certificate first
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    match c {
        Command::New(a) => new(ctx, a),
        Command::Show(a) => show(ctx, a),
        Command::Import(a) => import(ctx, a),
        Command::UsePkcs11(a) => use_pkcs11(ctx, a),
    }
}

/// A path relative to the workspace when it is inside it.
fn rel(ws_root: &Path, p: &Path) -> String {
    p.strip_prefix(ws_root).unwrap_or(p).display().to_string()
}

fn info_json(i: &CertInfo) -> serde_json::Value {
    json!({
        "signer": i.name,
        "role": i.role,
        "organisation": i.organisation,
        "subject": i.subject,
        "issuer": i.issuer,
        "self_signed": i.self_signed,
        "serial": i.serial,
        "not_before": i.not_before.to_rfc3339(),
        "not_after": i.not_after.to_rfc3339(),
        "fingerprint": i.fingerprint,
    })
}

fn print_info(i: &CertInfo) {
    let w = |label: &str, value: &str| println!("  {:<15}{value}", format!("{label}:"));
    w(&t("Undertecknare", "Signer"), &i.name);
    w(&t("Roll", "Role"), &i.role);
    w(&t("Organisation", "Organisation"), &i.organisation);
    w(&t("Subjekt", "Subject"), &i.subject);
    if i.self_signed {
        w(
            &t("Utfärdare", "Issuer"),
            &t("självutfärdat", "self-signed"),
        );
    } else {
        w(&t("Utfärdare", "Issuer"), &i.issuer);
    }
    let now = Utc::now();
    let state = if now < i.not_before {
        t(" (ännu inte giltigt)", " (not yet valid)")
    } else if now > i.not_after {
        t(" (har gått ut)", " (expired)")
    } else {
        String::new()
    };
    w(
        &t("Giltigt", "Valid"),
        &format!(
            "{} – {}{state}",
            i.not_before.format("%Y-%m-%d"),
            i.not_after.format("%Y-%m-%d")
        ),
    );
    w(
        &t("Fingeravtryck", "Fingerprint"),
        &format!("SHA-256 {}", i.fingerprint),
    );
}

fn new(ctx: &Ctx, a: NewArgs) -> Result<i32> {
    let ws = ctx.workspace()?;
    let org = a
        .org
        .clone()
        .unwrap_or_else(|| ws.config.organisation.name.clone());
    let make_default = a.default || !ws.signing_key().exists();
    let (key, cert) =
        signing::new_key(&ws.keys_dir(), &a.name, &a.role, &org, crate::clock::now())?;
    let cert_bytes = std::fs::read(&cert).at(&cert)?;
    if make_default {
        let key_bytes = std::fs::read(&key).at(&key)?;
        crate::signing::keystore::install_default(&ws, &key_bytes, &cert_bytes)?;
    }
    let der =
        signing::read_certificates(&cert_bytes).map_err(|m| Error::input(m).in_file(&cert))?;
    let info = signing::cert_info(&der[0]).map_err(|m| Error::input(m).in_file(&cert))?;
    if a.json {
        let mut v = info_json(&info);
        v["key"] = json!(rel(&ws.root, &key));
        v["cert"] = json!(rel(&ws.root, &cert));
        v["default"] = json!(make_default);
        print_json(&v);
        return Ok(0);
    }
    println!(
        "{}",
        t(
            &format!(
                "Ny signeringsnyckel för {} ({}, {}).",
                info.name, info.role, info.organisation
            ),
            &format!(
                "New signing key for {} ({}, {}).",
                info.name, info.role, info.organisation
            ),
        )
    );
    let w = |label: &str, value: &str| println!("  {:<15}{value}", format!("{label}:"));
    w(
        &t("Nyckel", "Key"),
        &format!(
            "{} {}",
            rel(&ws.root, &key),
            t("(bara du kan läsa den)", "(readable by you only)")
        ),
    );
    w(&t("Certifikat", "Certificate"), &rel(&ws.root, &cert));
    print_info(&info);
    if make_default {
        println!(
            "{}",
            t(
                &format!(
                    "Dokument signeras nu med den här nyckeln ({}).",
                    rel(&ws.root, &ws.signing_key())
                ),
                &format!(
                    "Documents are now signed with this key ({}).",
                    rel(&ws.root, &ws.signing_key())
                ),
            )
        );
    } else {
        println!(
            "{}",
            t(
                "Arbetsytan har redan en standardnyckel; använd --default för att byta till den här.",
                "The workspace already has a default key; use --default to switch to this one.",
            )
        );
    }
    println!(
        "{}",
        t(
            &format!(
                "Publicera certifikatet ({}) eller fingeravtrycket, så kan mottagare kontrollera \
                 signaturer med `dataskydd verify FIL.pdf --trust {}`.",
                rel(&ws.root, &cert),
                rel(&ws.root, &cert)
            ),
            &format!(
                "Publish the certificate ({}) or its fingerprint, so recipients can check signatures \
                 with `dataskydd verify FILE.pdf --trust {}`.",
                rel(&ws.root, &cert),
                rel(&ws.root, &cert)
            ),
        )
    );
    Ok(0)
}

fn show(ctx: &Ctx, a: ShowArgs) -> Result<i32> {
    let (cert_path, ws) = match &a.cert {
        Some(p) => (p.clone(), None),
        None => {
            let ws = ctx.workspace()?;
            (ws.signing_cert(), Some(ws))
        }
    };
    if ws.is_some() && !cert_path.exists() {
        return Err(Error::Usage(t(
            "arbetsytan har ingen signeringsnyckel än: skapa en med \
             `dataskydd keys new --name \"Namn\" --role Roll`, eller importera organisationens med \
             `dataskydd keys import --key FIL --cert FIL`",
            "the workspace has no signing key yet: make one with \
             `dataskydd keys new --name \"Name\" --role Role`, or import the organisation's with \
             `dataskydd keys import --key FILE --cert FILE`",
        )));
    }
    let bytes = std::fs::read(&cert_path).at(&cert_path)?;
    let chain =
        signing::read_certificates(&bytes).map_err(|m| Error::input(m).in_file(&cert_path))?;
    let info = signing::cert_info(&chain[0]).map_err(|m| Error::input(m).in_file(&cert_path))?;
    // For the default signer, also check the key that goes with it.
    let key_state = ws.as_ref().map(|ws| {
        Signer::load(&ws.signing_key(), &ws.signing_cert())
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    if a.json {
        let mut v = info_json(&info);
        v["cert"] = json!(cert_path.display().to_string());
        v["chain_length"] = json!(chain.len());
        if let (Some(ws), Some(state)) = (&ws, &key_state) {
            v["key"] = json!(ws.signing_key().display().to_string());
            v["key_ok"] = json!(state.is_ok());
            v["key_error"] = match state {
                Ok(()) => serde_json::Value::Null,
                Err(m) => json!(m),
            };
        }
        print_json(&v);
        return Ok(0);
    }
    println!("{}", cert_path.display());
    print_info(&info);
    if chain.len() > 1 {
        println!(
            "  {:<15}{}",
            format!("{}:", t("Kedja", "Chain")),
            t(
                &format!("{} certifikat (undertecknaren först)", chain.len()),
                &format!("{} certificates (signer first)", chain.len()),
            )
        );
    }
    if let (Some(ws), Some(state)) = (&ws, &key_state) {
        let line = match state {
            Ok(()) => format!(
                "{} {}",
                rel(&ws.root, &ws.signing_key()),
                t("(hör till certifikatet)", "(matches the certificate)")
            ),
            Err(m) => format!("{} {m}", t("PROBLEM:", "PROBLEM:")),
        };
        println!("  {:<15}{line}", format!("{}:", t("Nyckel", "Key")));
    }
    Ok(0)
}

fn import(ctx: &Ctx, a: ImportArgs) -> Result<i32> {
    let ws = ctx.workspace()?;
    let key_bytes = std::fs::read(&a.key).at(&a.key)?;
    let cert_bytes = std::fs::read(&a.cert).at(&a.cert)?;
    let pkcs8 = signing::pkcs8_from_pem(&key_bytes).map_err(|m| Error::input(m).in_file(&a.key))?;
    let chain =
        signing::read_certificates(&cert_bytes).map_err(|m| Error::input(m).in_file(&a.cert))?;
    let signer =
        Signer::from_parts(&pkcs8, chain.clone()).map_err(|m| Error::input(m).in_file(&a.cert))?;
    let info = signer.info().clone();

    let key_pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8));
    let cert_pem: String = chain
        .iter()
        .map(|d| pem::encode(&pem::Pem::new("CERTIFICATE", d.clone())))
        .collect();
    let dir = ws.keys_dir();
    create_private_dir(&dir)?;
    let (key, cert) = signing::free_pair(&dir, "key");
    write_private_new(&key, key_pem.as_bytes())?;
    write_private_new(&cert, cert_pem.as_bytes())?;
    crate::signing::keystore::install_default(&ws, key_pem.as_bytes(), cert_pem.as_bytes())?;

    let mut warning = None;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(&a.key) {
            if m.permissions().mode() & 0o077 != 0 {
                warning = Some(t(
                    &format!(
                        "varning: {} kan läsas av andra än ägaren; radera den eller kör `chmod 600 {}`",
                        a.key.display(),
                        a.key.display()
                    ),
                    &format!(
                        "warning: {} may be read by others than its owner; delete it or run `chmod 600 {}`",
                        a.key.display(),
                        a.key.display()
                    ),
                ));
            }
        }
    }
    if a.json {
        let mut v = info_json(&info);
        v["key"] = json!(rel(&ws.root, &key));
        v["cert"] = json!(rel(&ws.root, &cert));
        v["chain_length"] = json!(chain.len());
        v["default"] = json!(true);
        v["warning"] = json!(warning);
        print_json(&v);
        return Ok(0);
    }
    println!(
        "{}",
        t(
            &format!(
                "Importerad som standardnyckel: {} ({} certifikat i kedjan).",
                info.name,
                chain.len()
            ),
            &format!(
                "Imported as the default key: {} ({} certificates in the chain).",
                info.name,
                chain.len()
            ),
        )
    );
    println!(
        "  {:<15}{}",
        format!("{}:", t("Nyckel", "Key")),
        rel(&ws.root, &key)
    );
    println!(
        "  {:<15}{}",
        format!("{}:", t("Certifikat", "Certificate")),
        rel(&ws.root, &cert)
    );
    print_info(&info);
    if let Some(w) = warning {
        eprintln!("dataskydd: {w}");
    }
    Ok(0)
}

#[derive(clap::Args, Debug)]
pub struct UsePkcs11Args {
    /// The PKCS#11 module (.so) of the card reader or HSM, e.g. /usr/lib/softhsm/libsofthsm2.so
    #[arg(long, value_name = "PATH")]
    pub module: PathBuf,
    /// The token's label
    #[arg(long, value_name = "LABEL")]
    pub token: String,
    /// The private key's label on the token
    #[arg(long, value_name = "LABEL")]
    pub key: String,
    /// The certificate chain (PEM, signer first); default: the certificate on the token
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

/// Makes a key on a card or HSM the workspace's signer: checks it now (PIN, key, certificate)
/// and records where it is in dataskydd.toml (never the PIN).
fn use_pkcs11(ctx: &Ctx, a: UsePkcs11Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let cert_rel = match &a.cert {
        Some(c) => {
            let bytes = std::fs::read(c).at(c)?;
            let chain =
                signing::read_certificates(&bytes).map_err(|m| Error::input(m).in_file(c))?;
            let pem_text: String = chain
                .iter()
                .map(|d| pem::encode(&pem::Pem::new("CERTIFICATE", d.clone())))
                .collect();
            create_private_dir(&ws.keys_dir())?;
            let dest = ws.keys_dir().join("pkcs11.crt");
            write_atomic(&dest, pem_text.as_bytes())?;
            Some(rel(&ws.root, &dest))
        }
        None => None,
    };
    let cfg = crate::workspace::Pkcs11 {
        module: a.module.display().to_string(),
        token: a.token.clone(),
        key: a.key.clone(),
        cert: cert_rel.clone(),
    };
    let signer = crate::signing::keystore::pkcs11_signer(&ws, &cfg)?;
    let path = ws.root.join(crate::workspace::CONFIG_FILE);
    let text = std::fs::read_to_string(&path).at(&path)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Error::input(e.to_string()).in_file(&path))?;
    let mut table = toml_edit::Table::new();
    table["module"] = toml_edit::value(cfg.module.clone());
    table["token"] = toml_edit::value(cfg.token.clone());
    table["key"] = toml_edit::value(cfg.key.clone());
    if let Some(c) = &cfg.cert {
        table["cert"] = toml_edit::value(c.clone());
    }
    if doc.get("signing").is_none() {
        doc["signing"] = toml_edit::Item::Table(toml_edit::Table::new());
    }
    doc["signing"]["pkcs11"] = toml_edit::Item::Table(table);
    write_atomic(&path, doc.to_string().as_bytes())?;
    let info = signer.info().clone();
    if a.json {
        let mut v = info_json(&info);
        v["module"] = json!(cfg.module);
        v["token"] = json!(cfg.token);
        v["key"] = json!(cfg.key);
        v["cert"] = json!(cfg.cert);
        print_json(&v);
        return Ok(0);
    }
    println!(
        "{}",
        t(
            &format!(
                "Signerar nu med nyckeln {} på token {} (PIN-koden sparas aldrig; den frågas efter \
                 eller läses ur DATASKYDD_PIN vid varje körning).",
                cfg.key, cfg.token
            ),
            &format!(
                "Now signing with key {} on token {} (the PIN is never stored; it is asked for or \
                 read from DATASKYDD_PIN on every run).",
                cfg.key, cfg.token
            ),
        )
    );
    print_info(&info);
    Ok(0)
}
