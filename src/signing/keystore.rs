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
