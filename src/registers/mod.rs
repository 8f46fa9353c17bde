//! The registers a workspace keeps, each owning its CSV file (through `ledger`).

pub mod account_history;
pub mod accounts;
pub mod actions;
pub mod assessments;
pub mod breaches;
pub mod class_list;
pub mod consent_import;
pub mod consents;
pub mod group;
pub mod index;
pub mod publications;
pub mod witness;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::signing::Signer;
use crate::workspace::Workspace;

/// Creates every register of a new workspace with its header (owner-readable only).
pub fn create_all(ws: &Workspace) -> Result<()> {
    accounts::ledger(&ws.accounts_csv()).create()?;
    account_history::ledger(&ws.path(account_history::FILE)).create()?;
    actions::ledger(&ws.path(actions::FILE)).create()?;
    assessments::ledger(&ws.path("assessments.csv")).create()?;
    breaches::BreachLog::at(ws).ledger.create()?;
    consents::Register::at(ws.consents_csv()).ledger.create()?;
    publications::Register::at(ws.publications_csv())
        .ledger
        .create()?;
    Ok(())
}

/// Every register of the workspace: the known ones, and any other CSV file in its folder
/// whose header ends in `prev_hash,hash` (the registers other commands keep), read with
/// the columns its header names.
pub fn all_ledgers(ws: &Workspace) -> Result<Vec<crate::ledger::Ledger>> {
    let mut out = vec![
        accounts::ledger(&ws.accounts_csv()),
        consents::Register::at(ws.consents_csv()).ledger,
        publications::Register::at(ws.publications_csv()).ledger,
        breaches::BreachLog::at(ws).ledger,
        assessments::ledger(&ws.path("assessments.csv")),
    ];
    let known: Vec<PathBuf> = out.iter().map(|l| l.path.clone()).collect();
    let mut others: Vec<PathBuf> = std::fs::read_dir(&ws.root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "csv") && !known.contains(p))
                .collect()
        })
        .unwrap_or_default();
    others.sort();
    for p in others {
        let Ok(f) = crate::ledger::files::open_read(&p) else {
            continue;
        };
        let mut line = Vec::new();
        use std::io::{BufRead, Read};
        let _ = std::io::BufReader::new(f.take(1 << 16)).read_until(b'\n', &mut line);
        let Ok(mut names) = crate::ledger::decode_row(crate::ledger::strip_bom(
            line.strip_suffix(b"\n").unwrap_or(&line),
        )) else {
            continue;
        };
        if names.len() >= 3
            && names[names.len() - 2] == crate::ledger::PREV_HASH
            && names[names.len() - 1] == crate::ledger::HASH
        {
            names.truncate(names.len() - 2);
            let cols: Vec<&str> = names.iter().map(String::as_str).collect();
            out.push(crate::ledger::Ledger::new(&p, &cols, true));
        }
    }
    Ok(out)
}

/// The workspace's checkpoint anchor: signs with the workspace key (`[signing] key`, by
/// default `keys/signer.key`), trusts the certificates in `keys/` and the configured one.
/// The key is loaded on the first signature, so commands that only read never touch it.
pub struct WorkspaceAnchor {
    key: PathBuf,
    cert: PathBuf,
    keys_dir: PathBuf,
    signer: OnceLock<std::result::Result<Arc<Signer>, String>>,
    trusted: OnceLock<Vec<Vec<u8>>>,
}

impl WorkspaceAnchor {
    pub fn new(ws: &Workspace) -> WorkspaceAnchor {
        WorkspaceAnchor {
            key: ws.signing_key(),
            cert: ws.signing_cert(),
            keys_dir: ws.keys_dir(),
            signer: OnceLock::new(),
            trusted: OnceLock::new(),
        }
    }

    /// Installs the anchor for `ws` for the rest of the process.
    pub fn install(ws: &Workspace) {
        crate::ledger::set_anchor(&ws.root, Arc::new(WorkspaceAnchor::new(ws)));
    }

    fn signer(&self) -> Result<Arc<Signer>> {
        self.signer
            .get_or_init(|| {
                if matches!(std::fs::metadata(&self.key), Err(e) if e.kind() == std::io::ErrorKind::NotFound) {
                    return Err(t(
                        &format!(
                            "arbetsytan har ingen signeringsnyckel ({}), och registren signeras efter varje skrivning: skapa en med `dataskydd keys new --name NAMN --role ROLL --default`. Inget skrevs",
                            self.key.display()
                        ),
                        &format!(
                            "the workspace has no signing key ({}), and the registers are signed after every write: make one with `dataskydd keys new --name NAME --role ROLE --default`. Nothing was written",
                            self.key.display()
                        ),
                    ));
                }
                Signer::load(&self.key, &self.cert)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(Error::Usage)
    }
}

fn public_key(der: &[u8]) -> Option<Vec<u8>> {
    use der::Decode;
    let c = x509_cert::Certificate::from_der(der).ok()?;
    Some(
        c.tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes()
            .to_vec(),
    )
}

impl crate::ledger::Anchor for WorkspaceAnchor {
    fn sign(&self, msg: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let s = self.signer()?;
        let public = s
            .chain()
            .first()
            .and_then(|d| public_key(d))
            .ok_or_else(|| Error::Usage("signer certificate".into()))?;
        let sig = s.sign(msg).map_err(Error::Usage)?;
        Ok((public, sig))
    }

    fn trusted(&self) -> Result<Vec<Vec<u8>>> {
        Ok(self
            .trusted
            .get_or_init(|| {
                let mut files: Vec<PathBuf> = vec![self.cert.clone()];
                if let Ok(rd) = std::fs::read_dir(&self.keys_dir) {
                    for e in rd.flatten() {
                        let p = e.path();
                        if p.extension().is_some_and(|x| x == "crt" || x == "pem") {
                            files.push(p);
                        }
                    }
                }
                let mut keys = Vec::new();
                for f in files {
                    let Ok(bytes) = std::fs::read(&f) else {
                        continue;
                    };
                    for der in crate::signing::read_certificates(&bytes).unwrap_or_default() {
                        if let Some(k) = public_key(&der) {
                            if !keys.contains(&k) {
                                keys.push(k);
                            }
                        }
                    }
                }
                keys
            })
            .clone())
    }
}
