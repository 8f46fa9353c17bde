//! The workspace's signing keys: where they are, who signs this run (`--signer`,
//! `[signing.users]`, `default_signer`, a PKCS#11 token), the signer loaded once per
//! process, the TSA the workspace names, and the first key a new workspace gets. Signing
//! itself (the rest of this module) knows nothing of workspaces; this file is where the two
//! meet.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::signing::{self, DigestSigner, Signer};
use crate::workspace::{create_private_dir, write_atomic, Pkcs11, Workspace, CONFIG_FILE};

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

static SELECTED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// `--signer NAME` (or `DATASKYDD_SIGNER`) for this run: every record it signs is signed by
/// that person's key.
pub fn select_signer(name: Option<String>) {
    let _ = SELECTED.set(name.filter(|n| !n.trim().is_empty()));
}

/// Who signs when a command names no one: `--signer`, then `[signing.users]` for the login
/// name, then `[signing] default_signer`; None: the workspace's default key (or its PKCS#11
/// key when `[signing.pkcs11]` is set).
pub fn chosen_signer_name(ws: &Workspace) -> Option<String> {
    if ws.config.signing.own_key_only {
        return None;
    }
    if let Some(Some(n)) = SELECTED.get() {
        return Some(n.clone());
    }
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    ws.config
        .signing
        .users
        .get(&user)
        .cloned()
        .or_else(|| ws.config.signing.default_signer.clone())
}

/// The workspace's signer for this run, loaded once per process (a batch signs hundreds of
/// records; a PKCS#11 PIN is asked once).
pub fn cached_signer(ws: &Workspace) -> Result<Arc<dyn DigestSigner>> {
    type Cache = Mutex<HashMap<(PathBuf, Option<String>), Arc<dyn DigestSigner>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let name = chosen_signer_name(ws);
    // By key file too: the web server signs each user's records with that user's own key.
    let key = (ws.signing_key(), name.clone());
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(s) = cache.lock().expect("signer cache").get(&key) {
        return Ok(s.clone());
    }
    let s: Arc<dyn DigestSigner> = match &name {
        Some(n) => Arc::new(signer_named(ws, n)?),
        None => match &ws.config.signing.pkcs11 {
            Some(p) if !ws.config.signing.own_key_only => Arc::new(pkcs11_signer(ws, p)?),
            _ => Arc::new(load_signer(ws)?),
        },
    };
    cache.lock().expect("signer cache").insert(key, s.clone());
    Ok(s)
}

/// Loads this run's signer into the cache [`cached_signer`] keeps, when it is a key file
/// (never a PKCS#11 token or signing service: those may ask for a PIN), e.g. on another
/// thread while the decision runs (`pipeline::prewarm`): reading the key and deriving and
/// checking its public point was 5.8 % of one `assess`'s CPU. An error is left for the
/// signing itself to report.
pub fn prepare(ws: &Workspace) {
    if ws.config.signing.pkcs11.is_none() {
        let _ = cached_signer(ws);
    }
}

/// The key of the person `name` (a certificate in `keys/` whose CN is `name`).
pub fn signer_named(ws: &Workspace, name: &str) -> Result<Signer> {
    let dir = ws.keys_dir();
    let mut names = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.extension().and_then(|e| e.to_str()) != Some("crt") {
                continue;
            }
            let key = p.with_extension("key");
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let Ok(chain) = signing::read_certificates(&bytes) else {
                continue;
            };
            let Ok(info) = signing::cert_info(&chain[0]) else {
                continue;
            };
            if info.name == name && key.exists() {
                return Signer::load(&key, &p);
            }
            if !names.contains(&info.name) {
                names.push(info.name);
            }
        }
    }
    Err(Error::Usage(t(
        &format!(
            "ingen nyckel för {name} i {}: skapa en med `dataskydd keys new --name \"{name}\" --role ROLL` \
             (nycklar som finns: {})",
            dir.display(),
            if names.is_empty() { "inga".to_string() } else { names.join(", ") }
        ),
        &format!(
            "no key for {name} in {}: make one with `dataskydd keys new --name \"{name}\" --role ROLE` \
             (keys there: {})",
            dir.display(),
            if names.is_empty() { "none".to_string() } else { names.join(", ") }
        ),
    )))
}

/// The PIN of a PKCS#11 token: `DATASKYDD_PIN`, or asked on the terminal; never stored.
fn token_pin(token: &str) -> Result<String> {
    if let Ok(p) = std::env::var("DATASKYDD_PIN") {
        return Ok(p);
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(t(
            &format!(
                "PIN-koden för token {token} behövs: kör på en terminal (du får frågan) eller sätt \
                 miljövariabeln DATASKYDD_PIN"
            ),
            &format!(
                "the PIN of token {token} is needed: run on a terminal (you will be asked) or set \
                 the environment variable DATASKYDD_PIN"
            ),
        )));
    }
    inquire::Password::new(&t(
        &format!("PIN-kod för {token}:"),
        &format!("PIN for {token}:"),
    ))
    .without_confirmation()
    .prompt()
    .map_err(|e| Error::Usage(e.to_string()))
}

/// The signer on the token `[signing.pkcs11]` names.
pub fn pkcs11_signer(ws: &Workspace, p: &Pkcs11) -> Result<signing::Pkcs11Signer> {
    let chain = match &p.cert {
        Some(c) => {
            let path = ws.root.join(c);
            let bytes = std::fs::read(&path).at(&path)?;
            signing::read_certificates(&bytes).map_err(|m| Error::input(m).in_file(&path))?
        }
        None => Vec::new(),
    };
    let pin = token_pin(&p.token)?;
    signing::Pkcs11Signer::open(
        signing::Pkcs11Location {
            module: PathBuf::from(&p.module),
            token: p.token.clone(),
            key: p.key.clone(),
        },
        pin,
        chain,
    )
    .map_err(|m| Error::input(m).in_file(&ws.root.join(CONFIG_FILE)))
}

/// The TSA the workspace names, if any.
pub fn tsa(ws: &Workspace) -> Option<signing::Tsa> {
    ws.config.signing.tsa_url.as_ref().map(|url| signing::Tsa {
        url: url.clone(),
        timeout: ws
            .config
            .signing
            .tsa_timeout
            .map(std::time::Duration::from_secs)
            .unwrap_or(signing::TSA_TIMEOUT),
    })
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
pub fn named_signer(ws: &Workspace, name: &str) -> Result<Arc<dyn DigestSigner>> {
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
            return Ok(Arc::new(Signer::load(&key, &cert)?));
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
