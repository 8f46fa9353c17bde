//! People and roles for `dataskydd serve`: the users file, argon2id passwords, sessions with
//! CSRF tokens, a login rate limit, and identities from a trusted reverse proxy.
//!
//! `users.toml` lives in the workspace (mode 0600). Without users the server only listens on
//! loopback and serves the one local user (the workspace's default signer).

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::i18n::{t, Lang};
use crate::workspace::Workspace;

pub const USERS_FILE: &str = "users.toml";

/// What a user may do: the pages shown and the writes allowed follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// School principal: photo decisions, consents, class overview for her school's accounts.
    Rektor,
    /// Data protection officer: assessments, breaches, lists, every record, verify.
    Dpo,
    /// Communicator: photo decisions, consents and assessments of the accounts named.
    Communicator,
    /// Everything, on every account.
    Admin,
}

/// What a page needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    Photo,
    Consents,
    Assess,
    Breach,
    Lists,
    Records,
    Verify,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Rektor => "rektor",
            Role::Dpo => "dpo",
            Role::Communicator => "communicator",
            Role::Admin => "admin",
        }
    }

    pub fn title(self) -> String {
        match self {
            Role::Rektor => t("Rektor", "Principal"),
            Role::Dpo => t("Dataskyddsombud", "Data protection officer"),
            Role::Communicator => t("Kommunikatör", "Communicator"),
            Role::Admin => t("Administratör", "Administrator"),
        }
    }

    pub fn may(self, r: Right) -> bool {
        use Right::*;
        match self {
            Role::Admin => true,
            Role::Dpo => matches!(r, Assess | Breach | Lists | Records | Verify | Consents),
            Role::Rektor => matches!(r, Photo | Consents | Records),
            Role::Communicator => matches!(r, Photo | Consents | Assess | Lists | Records),
        }
    }

    /// Whether the role sees every account (else only those named for the user).
    pub fn all_accounts(self) -> bool {
        matches!(self, Role::Admin | Role::Dpo)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The accounts (ids in accounts.csv) the user works with; empty with rektor or
    /// communicator: none.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// argon2id PHC string; absent for users who sign in through the reverse proxy only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The user's own signing key and certificate, relative to the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
}

impl User {
    pub fn sees_account(&self, id: &str) -> bool {
        self.role.all_accounts() || self.accounts.iter().any(|a| a == id)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proxy {
    /// The header that carries the signed-in user's name (e.g. `X-Remote-User`).
    pub header: String,
    /// The proxy's addresses: the header is believed only from these.
    pub from: Vec<IpAddr>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Users {
    #[serde(default, rename = "user")]
    pub users: Vec<User>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Proxy>,
}

impl Users {
    pub fn path(ws: &Workspace) -> PathBuf {
        ws.path(USERS_FILE)
    }

    pub fn load(ws: &Workspace) -> Result<Users> {
        let path = Self::path(ws);
        let text = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Users::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        toml::from_str(&text).map_err(|e| crate::workspace::toml_error(&path, &text, &e))
    }

    pub fn save(&self, ws: &Workspace) -> Result<()> {
        let text = toml::to_string(self).expect("users serialise");
        crate::workspace::write_atomic(&Self::path(ws), text.as_bytes())?;
        private(&Self::path(ws))
    }

    pub fn find(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }
}

fn private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).at(path)
}

/// argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's recommended minimum).
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
        .map_err(|_| Error::Usage("no randomness from the operating system".into()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Usage(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::Usage(e.to_string()))?
        .to_string())
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random token (session id, CSRF token): 32 bytes from the OS, hex.
pub fn token() -> String {
    let mut b = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b)
        .expect("the operating system gives randomness");
    crate::ledger::hex(&b)
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: Option<User>,
    pub csrf: String,
    pub lang: Lang,
    pub seen: Instant,
}

/// Sessions end after this long without a request.
const IDLE: Duration = Duration::from_secs(8 * 3600);

#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    pub fn get(&self, id: &str) -> Option<Session> {
        let mut m = self.map.lock().expect("sessions");
        m.retain(|_, s| s.seen.elapsed() < IDLE);
        let s = m.get_mut(id)?;
        s.seen = Instant::now();
        Some(s.clone())
    }

    pub fn create(&self, user: Option<User>, lang: Lang) -> (String, Session) {
        let id = token();
        let s = Session {
            user,
            csrf: token(),
            lang,
            seen: Instant::now(),
        };
        self.map
            .lock()
            .expect("sessions")
            .insert(id.clone(), s.clone());
        (id, s)
    }

    pub fn set_lang(&self, id: &str, lang: Lang) {
        if let Some(s) = self.map.lock().expect("sessions").get_mut(id) {
            s.lang = lang;
        }
    }

    pub fn remove(&self, id: &str) {
        self.map.lock().expect("sessions").remove(id);
    }
}

/// Failed logins allowed per address and per name in [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failed logins by address and by user name; a key over the limit waits out the
/// window (an attacker cannot try many passwords, nor lock one user out from everywhere for
/// longer than the window).
#[derive(Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Limiter {
    pub fn blocked(&self, keys: &[String]) -> bool {
        let mut m = self.failures.lock().expect("limiter");
        keys.iter().any(|k| {
            let v = m.entry(k.clone()).or_default();
            v.retain(|t| t.elapsed() < WINDOW);
            v.len() >= MAX_FAILURES
        })
    }

    pub fn fail(&self, keys: &[String]) {
        let mut m = self.failures.lock().expect("limiter");
        for k in keys {
            m.entry(k.clone()).or_default().push(Instant::now());
        }
    }
}

/// `dataskydd user add`: adds a user with an argon2id password (or proxy sign-in only) and
/// the user's own signing key.
pub fn add_user(
    ws: &Workspace,
    name: &str,
    role: Role,
    accounts: &[String],
    password: Option<&str>,
) -> Result<User> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.chars().any(|c| c.is_control()) {
        return Err(Error::input(t(
            "namnet måste vara 1–100 tecken utan styrtecken",
            "the name must be 1–100 characters without control characters",
        ))
        .field("NAME"));
    }
    let mut users = Users::load(ws)?;
    if users.find(name).is_some() {
        return Err(Error::input(t(
            &format!("användaren '{name}' finns redan i {USERS_FILE}"),
            &format!("the user '{name}' already exists in {USERS_FILE}"),
        ))
        .field("NAME"));
    }
    let known = crate::registers::consents::known_channels(&ws.accounts_csv())?;
    for a in accounts {
        if !known.contains(a) {
            return Err(Error::input(t(
                &format!("kontot '{a}' finns inte i accounts.csv"),
                &format!("the account '{a}' is not in accounts.csv"),
            ))
            .field("--accounts"));
        }
    }
    let password = match password {
        Some(p) if p.chars().count() < 10 => {
            return Err(Error::input(t(
                "lösenordet måste ha minst 10 tecken",
                "the password must have at least 10 characters",
            ))
            .field("--password-stdin"))
        }
        Some(p) => Some(hash_password(p)?),
        None => None,
    };
    let dir = ws.keys_dir().join("users");
    let (key, cert) = crate::signing::new_key(
        &dir,
        name,
        &role.title(),
        &ws.config.organisation.name,
        crate::clock::now(),
    )?;
    let rel = |p: &Path| p.strip_prefix(&ws.root).unwrap_or(p).display().to_string();
    let user = User {
        name: name.to_string(),
        role,
        accounts: accounts.to_vec(),
        password,
        key: Some(rel(&key)),
        cert: Some(rel(&cert)),
    };
    users.users.push(user.clone());
    users.save(ws)?;
    Ok(user)
}

/// The workspace as the user works in it: records signed with the user's own key.
pub fn workspace_for(ws: &Workspace, user: &User) -> Workspace {
    let mut w = ws.clone();
    if let (Some(k), Some(c)) = (&user.key, &user.cert) {
        w.config.signing.key = Some(k.clone());
        w.config.signing.cert = Some(c.clone());
        w.config.signing.own_key_only = true;
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_verify_and_reject() {
        let h = hash_password("rätt lösenord 1").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "rätt lösenord 1"));
        assert!(!verify_password(&h, "fel lösenord 1"));
    }

    #[test]
    fn the_limiter_blocks_after_five_failures() {
        let l = Limiter::default();
        let k = vec!["ip:127.0.0.1".to_string()];
        for _ in 0..MAX_FAILURES {
            assert!(!l.blocked(&k));
            l.fail(&k);
        }
        assert!(l.blocked(&k));
    }

    #[test]
    fn roles_limit_rights() {
        assert!(!Role::Rektor.may(Right::Breach));
        assert!(Role::Dpo.may(Right::Breach));
        assert!(!Role::Dpo.may(Right::Photo));
        assert!(Role::Admin.may(Right::Photo));
    }
}
