//! The workspace's signing keys: where they are, the default signer loaded once per
//! process, and the first key a new workspace gets. Signing itself (the rest of this
//! module) knows nothing of workspaces; this file is where the two meet.

use std::path::PathBuf;

use serde_json::json;

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::signing::{self, Signer};
use crate::workspace::{create_private_dir, write_atomic, Workspace};

/// Copies a key + certificate in as the workspace's default signer.
pub fn install_default(ws: &Workspace, key_pem: &[u8], cert_pem: &[u8]) -> Result<()> {
    let (k, c) = (ws.signing_key(), ws.signing_cert());
    for p in [&k, &c] {
        if let Some(dir) = p.parent() {
            create_private_dir(dir)?;
        }
    }
    write_atomic(&k, key_pem)?;
    write_atomic(&c, cert_pem)?;
    Ok(())
}

/// Creates the workspace's default signing key if it has none (`init` calls this).
pub fn ensure_default_signer(ws: &Workspace, name: &str, role: &str) -> Result<()> {
    if ws.signing_key().exists() {
        return Ok(());
    }
    create_private_dir(&ws.keys_dir())?;
    let org = ws.config.organisation.name.clone();
    let (key, cert) = signing::new_key(&ws.keys_dir(), name, role, &org, crate::clock::now())?;
    let key_bytes = std::fs::read(&key).at(&key)?;
    let cert_bytes = std::fs::read(&cert).at(&cert)?;
    install_default(ws, &key_bytes, &cert_bytes)
}

/// The workspace's signer (name, role, fingerprint) for a document's signature block.
pub fn signer_summary(ws: &Workspace) -> serde_json::Value {
    match cached_signer(ws) {
        Ok(s) => json!({ "name": s.name(), "role": s.role(), "fingerprint": s.fingerprint() }),
        Err(_) => json!({ "name": "-", "role": "-", "fingerprint": "-" }),
    }
}

/// The workspace's signer, loaded once per process (a batch signs hundreds of records).
pub fn cached_signer(ws: &Workspace) -> Result<std::sync::Arc<Signer>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Signer>>>> = OnceLock::new();
    let key = ws.signing_key();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(s) = cache.lock().expect("signer cache").get(&key) {
        return Ok(s.clone());
    }
    let s = Arc::new(load_signer(ws)?);
    cache.lock().expect("signer cache").insert(key, s.clone());
    Ok(s)
}

/// Loads the workspace's signer, or says how to make one.
pub fn load_signer(ws: &Workspace) -> Result<Signer> {
    if !ws.signing_key().exists() {
        return Err(Error::Usage(t(
            &format!(
                "arbetsytan har ingen signeringsnyckel ({}): skapa en med `dataskydd keys new --name NAMN --role ROLL`",
                ws.signing_key().display()
            ),
            &format!(
                "the workspace has no signing key ({}): make one with `dataskydd keys new --name NAME --role ROLE`",
                ws.signing_key().display()
            ),
        )));
    }
    Signer::load(&ws.signing_key(), &ws.signing_cert())
}

/// A signer of the workspace by name: the key pair in `keys/` whose certificate names
/// `name` (case-insensitive), or the file stem (`keys/NAME.key`). The default signer
/// answers to its own name too. Says which names exist when none matches.
pub fn named_signer(ws: &Workspace, name: &str) -> Result<std::sync::Arc<Signer>> {
    let wanted = name.trim().to_lowercase();
    if let Ok(s) = cached_signer(ws) {
        if s.name().to_lowercase() == wanted {
            return Ok(s);
        }
    }
    let dir = ws.keys_dir();
    let mut known = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .at(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "crt"))
        .collect();
    entries.sort();
    for cert in entries {
        let key = cert.with_extension("key");
        if !key.exists() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&cert) else {
            continue;
        };
        let Some(der) = signing::read_certificates(&bytes)
            .ok()
            .and_then(|c| c.into_iter().next())
        else {
            continue;
        };
        let Ok(info) = signing::cert_info(&der) else {
            continue;
        };
        let stem = cert
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if info.name.to_lowercase() == wanted || stem == wanted {
            return Ok(std::sync::Arc::new(Signer::load(&key, &cert)?));
        }
        if !known.contains(&info.name) {
            known.push(info.name);
        }
    }
    Err(Error::input(t(
        &format!(
            "ingen signeringsnyckel för '{name}' i {} (finns: {}); skapa en med `dataskydd keys new --name \"{name}\" --role ROLL`",
            dir.display(),
            known.join(", ")
        ),
        &format!(
            "no signing key for '{name}' in {} (there are: {}); make one with `dataskydd keys new --name \"{name}\" --role ROLE`",
            dir.display(),
            known.join(", ")
        ),
    ))
    .field("--signer"))
}
