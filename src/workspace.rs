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
        Ok(Workspace {
            root: root.to_path_buf(),
            config,
        })
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

/// Writes a new file readable by its owner only, failing if it exists.
pub fn write_private_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).at(path)?;
    f.write_all(bytes).at(path)?;
    f.sync_all().at(path)?;
    Ok(())
}

/// Replaces a file atomically (write to a temp file, fsync, rename), owner-only.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    ensure_private_dir(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).at(&tmp)?;
    f.write_all(bytes).at(&tmp)?;
    f.sync_all().at(&tmp)?;
    std::fs::rename(&tmp, path).at(path)?;
    Ok(())
}
