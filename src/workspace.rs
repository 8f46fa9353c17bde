//! The workspace: a folder with `dataskydd.toml`, the registers, keys and output.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::i18n::{t, Lang};

pub const CONFIG_FILE: &str = "dataskydd.toml";
pub const PRESETS: &[&str] = &["gdpr", "stockholm", "sollentuna", "nykoping"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub organisation: Organisation,
    #[serde(default)]
    pub dpo: Dpo,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub signing: Signing,
    /// The organisation's gallring rule for account data (DOMAIN A9).
    #[serde(default, skip_serializing_if = "Retention::is_empty")]
    pub retention: Retention,
    /// Review interval, action deadlines and the decision rule of the account's life.
    #[serde(default)]
    pub account_life: crate::lifecycle::Settings,
}

/// `[retention]`: a default rule and per-kind overrides (the kind is the account's platform,
/// e.g. `facebook_page`), as the records management plan (dokumenthanteringsplan) states them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub kinds: indexmap::IndexMap<String, String>,
}

impl Retention {
    pub fn is_empty(&self) -> bool {
        self.default.is_none() && self.kinds.is_empty()
    }
    /// The rule for a kind: its override, else the default; None when neither is stated.
    pub fn rule(&self, kind: &str) -> Option<String> {
        self.kinds
            .get(kind)
            .or(self.default.as_ref())
            .filter(|r| !r.trim().is_empty())
            .cloned()
    }
}

impl Dpo {
    /// "Name, e-mail, phone" (the parts that are set); empty when none is.
    pub fn contact(&self) -> String {
        [&self.name, &self.email, &self.phone]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    #[serde(default)]
    pub language: Lang,
    /// Committees (nämnder) and the executive board: each is its own controller.
    #[serde(default)]
    pub committees: Vec<String>,
    /// Municipal companies: separate legal persons, their own controllers.
    #[serde(default)]
    pub companies: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dpo {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Local-policy preset: gdpr | stockholm | sollentuna | nykoping.
    pub preset: String,
    /// Age from which a pupil's own consent suffices (none: pupil and guardian 13–17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_consents_alone_from: Option<u32>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            preset: "gdpr".into(),
            child_consents_alone_from: None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    /// PKCS#8 private key (PEM), relative to the workspace. Default `keys/signer.key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Certificate or chain (PEM), signer first. Default `keys/signer.crt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
    /// Where the records are signed (the `/Location` of the signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// An RFC 3161 timestamp authority: every signature gets a signature timestamp (PAdES
    /// B-T). Only a SHA-256 hash is sent. None: the time is the signer's own clock's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsa_url: Option<String>,
    /// Seconds to wait for the TSA (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsa_timeout: Option<u64>,
    /// The signer used when a command names none (`--signer NAME`): a name from `keys/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_signer: Option<String>,
    /// A default signer per user of the computer: login name → signer name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub users: std::collections::BTreeMap<String, String>,
    /// A key on a card or HSM (`keys use-pkcs11`); the PIN is never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkcs11: Option<Pkcs11>,
    /// Never in dataskydd.toml: set on the workspace as one web user works in it, whose
    /// records are signed with that user's own key (`key`/`cert`) whatever `--signer`,
    /// `[signing.users]`, `default_signer` or `[signing.pkcs11]` say.
    #[serde(skip)]
    pub own_key_only: bool,
}

/// A `dataskydd.toml` that holds nothing but a `[signing]` table (how the demo is told to
/// sign with a configured key, PKI chain and TSA): its signing settings. `Ok(None)`: the
/// file holds more (it is a workspace). An error: it cannot be read as TOML or its
/// `[signing]` is wrong (naming the file and field).
pub fn signing_only_config(path: &Path) -> Result<Option<Signing>> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Only {
        #[serde(default)]
        signing: Signing,
    }
    let text = std::fs::read_to_string(path).at(path)?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    if table.keys().any(|k| k != "signing") {
        return Ok(None);
    }
    let only: Only = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    Ok(Some(only.signing))
}

/// `[signing.pkcs11]`: where the organisation's key lives.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11 {
    /// The PKCS#11 module (.so) of the card reader or HSM.
    pub module: String,
    /// The token's label.
    pub token: String,
    /// The private key's label.
    pub key: String,
    /// The certificate chain (PEM, signer first), relative to the workspace; None: the
    /// certificate object on the token with the key's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

impl Workspace {
    /// Opens the workspace at `root`, or explains how to create one.
    pub fn open(root: &Path) -> Result<Workspace> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            return Err(Error::Usage(t(
                &format!(
                    "ingen arbetsyta i {}: skapa en med `dataskydd init --org \"Kommunens namn\"`, \
                     eller ange en med --workspace KATALOG",
                    root.display()
                ),
                &format!(
                    "no workspace in {}: create one with `dataskydd init --org \"Municipality\"`, \
                     or name one with --workspace DIR",
                    root.display()
                ),
            )));
        }
        let text = std::fs::read_to_string(&path).at(&path)?;
        let config: Config = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
        if !PRESETS.contains(&config.policy.preset.as_str()) {
            return Err(Error::input(t(
                &format!(
                    "okänd förinställning '{}' (tillåtna: {})",
                    config.policy.preset,
                    PRESETS.join(" | ")
                ),
                &format!(
                    "unknown preset '{}' (allowed: {})",
                    config.policy.preset,
                    PRESETS.join(" | ")
                ),
            ))
            .in_file(&path)
            .field("policy.preset"));
        }
        let ws = Workspace {
            root: root.to_path_buf(),
            config,
        };
        // From now on its registers' checkpoints are signed with its key.
        crate::registers::WorkspaceAnchor::install(&ws);
        Ok(ws)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn accounts_csv(&self) -> PathBuf {
        self.path("accounts.csv")
    }
    pub fn consents_csv(&self) -> PathBuf {
        self.path("consents.csv")
    }
    pub fn publications_csv(&self) -> PathBuf {
        self.path("publications.csv")
    }
    pub fn breaches_csv(&self) -> PathBuf {
        self.path("breaches.csv")
    }
    pub fn keys_dir(&self) -> PathBuf {
        self.path("keys")
    }
    pub fn output_dir(&self) -> PathBuf {
        self.path("output")
    }
    pub fn answers_dir(&self, kind: &str) -> PathBuf {
        self.path("answers").join(kind)
    }
    /// A path as a register keeps it: relative to the workspace when it is inside it (so a
    /// moved workspace still finds its records), else as given.
    pub fn relative(&self, p: &Path) -> String {
        if let Ok(rel) = p.strip_prefix(&self.root) {
            return rel.display().to_string();
        }
        if let (Ok(root), Ok(full)) = (self.root.canonicalize(), p.canonicalize()) {
            if let Ok(rel) = full.strip_prefix(&root) {
                return rel.display().to_string();
            }
        }
        p.display().to_string()
    }

    /// A path a register keeps, as a path to open: relative ones are in the workspace.
    pub fn resolve(&self, stored: &str) -> PathBuf {
        let p = Path::new(stored);
        if p.is_absolute() || stored.is_empty() {
            p.to_path_buf()
        } else {
            self.root.join(p)
        }
    }

    pub fn signing_key(&self) -> PathBuf {
        self.path(
            self.config
                .signing
                .key
                .as_deref()
                .unwrap_or("keys/signer.key"),
        )
    }
    pub fn signing_cert(&self) -> PathBuf {
        self.path(
            self.config
                .signing
                .cert
                .as_deref()
                .unwrap_or("keys/signer.crt"),
        )
    }
}

/// Turns a TOML parse error into an input error with file, line and (where known) key.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let line = e.span().map(|s| line_of(text, s.start));
    let mut err = Error::input(e.message().trim().to_string()).in_file(path);
    if let Some(l) = line {
        err = err.at_line(l);
    }
    err
}

/// 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Creates a folder readable by its owner only (registers and keys hold personal data).
pub fn create_private_dir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).at(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).at(path)?;
    }
    Ok(())
}

/// Creates a folder and any missing parents readable by their owner only; folders that
/// already exist (a user's `--out DIR`, `/tmp`) keep their permissions.
pub fn ensure_private_dir(path: &Path) -> Result<()> {
    if path.as_os_str().is_empty() || path.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path).at(path)
}

/// Writes a new file readable by its owner only (0600 whatever the umask), failing if
/// anything, a symbolic link included, is at `path`.
pub fn write_private_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = crate::ledger::files::create_new(path)
        .map_err(|e| crate::ledger::files::open_error(path, e))?;
    f.write_all(bytes).at(path)?;
    f.sync_all().at(path)?;
    Ok(())
}

/// Writes `bytes` to an unpredictable temp name beside `path` (O_EXCL, never through a
/// link, 0600), fsync'd; the caller renames or links it into place.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let dir = crate::ledger::files::parent(path);
    ensure_private_dir(&dir)?;
    let tmp = crate::ledger::files::temp_name(path);
    if let Err(e) = write_private_new(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// Replaces a file atomically (write to a temp file, fsync, rename, fsync the folder),
/// owner-only. The rename replaces a symbolic link at `path` itself, never its target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp(path, bytes)?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    crate::ledger::files::sync_dir(&crate::ledger::files::parent(path))
}

/// Writes a new file atomically: complete or absent, and never over an existing file
/// (a hard link does not replace), owner-only.
pub fn write_new_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp(path, bytes)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => crate::ledger::files::sync_dir(&crate::ledger::files::parent(path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists_error(path)),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// A CSV file whose header ends in `prev_hash,hash`: a register (of any command).
fn is_register(path: &Path) -> bool {
    use std::io::{BufRead, Read};
    let Ok(f) = crate::ledger::files::open_read(path) else {
        return crate::ledger::files::is_symlink(path);
    };
    let mut line = Vec::new();
    let _ = std::io::BufReader::new(f.take(1 << 16)).read_until(b'\n', &mut line);
    let line = String::from_utf8_lossy(&line);
    line.trim_end().ends_with("prev_hash,hash")
}

fn exists_error(path: &Path) -> Error {
    Error::Usage(t(
        &format!(
            "{} finns redan och skrivs inte över; välj ett annat filnamn eller ange --force",
            path.display()
        ),
        &format!(
            "{} already exists and is not overwritten; choose another file name or pass --force",
            path.display()
        ),
    ))
}

/// An export never replaces one of the workspace's own files (registers, their side
/// files, the configuration, keys, answers, records), and replaces another existing file
/// only with `--force`.
pub fn check_export_target(ws: &Workspace, target: &Path, force: bool) -> Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve the folder (the file may not exist yet); the name stays as given.
        match (
            p.parent().and_then(|d| d.canonicalize().ok()),
            p.file_name(),
        ) {
            (Some(d), Some(n)) => d.join(n),
            _ => p,
        }
    };
    let t_abs = abs(target);
    let root = ws.root.canonicalize().unwrap_or_else(|_| abs(&ws.root));
    if let Ok(rel) = t_abs.strip_prefix(&root) {
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let own = [
            CONFIG_FILE,
            "accounts.csv",
            "consents.csv",
            "publications.csv",
            "breaches.csv",
            "assessments.csv",
            "keys",
            "answers",
            "output",
        ];
        // The workspace's own names and their side files (`.checkpoints`, `.journal`,
        // `.torn`), and any CSV file in the workspace's folder (the registers of other
        // commands included).
        let in_root = rel.components().count() == 1;
        let is_own = own
            .iter()
            .any(|o| first == *o || first.starts_with(&format!("{o}.")))
            || (in_root && t_abs.exists() && (first.starts_with('.') || is_register(&t_abs)));
        if is_own {
            return Err(Error::Usage(t(
                &format!(
                    "{} är en av arbetsytans egna filer och skrivs aldrig över av en export; välj ett filnamn utanför arbetsytans register",
                    target.display()
                ),
                &format!(
                    "{} is one of the workspace's own files and is never overwritten by an export; choose a file name outside the workspace's registers",
                    target.display()
                ),
            )));
        }
    }
    if crate::ledger::files::is_symlink(target) {
        return Err(crate::ledger::files::symlink_refused(target));
    }
    if target.exists() && !force {
        return Err(exists_error(target));
    }
    Ok(())
}
