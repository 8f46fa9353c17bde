//! Creating a workspace: `dataskydd.toml`, the empty registers and the first signing key
//! (what `dataskydd init` and the demo do).

use std::path::Path;

use crate::error::{Error, Result};
use crate::i18n::{t, Lang};
use crate::workspace::{self, Config, Dpo, Organisation, Policy, Signing, CONFIG_FILE};

/// What a new workspace starts with.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The organisation as it appears on records.
    pub org: String,
    /// Local-policy preset: gdpr | stockholm | sollentuna | nykoping.
    pub preset: String,
    pub dpo_name: String,
    pub dpo_email: String,
    pub dpo_phone: String,
    /// Who signs the records (the certificate's name and title).
    pub signer_name: String,
    pub signer_role: String,
    /// The committees (empty: the preset's list) and companies.
    pub committees: Vec<String>,
    pub companies: Vec<String>,
    /// `[signing]` taken over from a `dataskydd.toml` at `root` that holds nothing else (the
    /// demo with a configured key and TSA); None: the defaults (a new self-signed key).
    pub signing: Option<Signing>,
}

/// The committees a preset starts with (each nämnd is its own controller).
pub fn committees(preset: &str) -> Vec<String> {
    let list: &[&str] = match preset {
        "stockholm" => &[
            "Kommunstyrelsen",
            "Utbildningsnämnden",
            "Socialnämnden",
            "Kulturnämnden",
            "Miljö- och hälsoskyddsnämnden",
            "Hägersten-Liljeholmens stadsdelsnämnd",
        ],
        "sollentuna" => &["Kommunstyrelsen", "Barn- och utbildningsnämnden"],
        "nykoping" => &[
            "Kommunstyrelsen",
            "Barn- och ungdomsnämnden",
            "Socialnämnden",
        ],
        _ => &["Kommunstyrelsen"],
    };
    list.iter().map(|s| s.to_string()).collect()
}

/// Creates the workspace at `root`; refuses (changing nothing) if one is there.
pub fn create(root: &Path, lang: Lang, a: &Setup) -> Result<()> {
    let config_path = root.join(CONFIG_FILE);
    let signing_only = a.signing.is_some()
        && config_path.exists()
        && workspace::signing_only_config(&config_path)?.is_some();
    if config_path.exists() && !signing_only {
        return Err(Error::Usage(t(
            &format!(
                "{} finns redan: arbetsytan skapas inte om och inget har ändrats",
                config_path.display()
            ),
            &format!(
                "{} already exists: the workspace is not re-created and nothing was changed",
                config_path.display()
            ),
        )));
    }
    // A new workspace folder is its owner's only (0700 whatever the umask); a folder that
    // already exists keeps its permissions.
    if !root.exists() {
        workspace::create_private_dir(root)?;
    }
    let config = Config {
        organisation: Organisation {
            name: a.org.clone(),
            language: lang,
            committees: if a.committees.is_empty() {
                committees(&a.preset)
            } else {
                a.committees.clone()
            },
            companies: a.companies.clone(),
        },
        dpo: Dpo {
            name: a.dpo_name.clone(),
            email: a.dpo_email.clone(),
            phone: a.dpo_phone.clone(),
        },
        policy: Policy {
            preset: a.preset.clone(),
            child_consents_alone_from: None,
        },
        signing: a.signing.clone().unwrap_or_default(),
        retention: Default::default(),
        // Sollentuna's schools start an account on the decision of the principal together
        // with the education office (seed 003): two signatures on an account decision.
        account_life: crate::lifecycle::Settings {
            decision_signatures: if a.preset == "sollentuna" { 2 } else { 1 },
            ..Default::default()
        },
    };
    let body = toml::to_string_pretty(&config).expect("config serialises");
    let text = format!(
        "# dataskydd workspace: {}\n# policy.preset: gdpr | stockholm | sollentuna | nykoping\n# policy.child_consents_alone_from = 15  (age from which a pupil's own consent suffices)\n# account_life: review_months (after the last assessment), must_days / should_days (action deadlines),\n#   decision_signatures (1, or 2 where the principal and the education office decide together), due_within_days\n\n{body}",
        a.org
    );
    for dir in ["keys", "answers"] {
        workspace::create_private_dir(&root.join(dir))?;
    }
    workspace::create_private_dir(&root.join("output"))?;
    let ws_paths = crate::workspace::Workspace {
        root: root.to_path_buf(),
        config: config.clone(),
    };
    crate::registers::create_all(&ws_paths)?;
    crate::signing::keystore::ensure_default_signer(&ws_paths, &a.signer_name, &a.signer_role)?;
    // The config is written last: a workspace exists only once everything in it does.
    if signing_only {
        workspace::write_atomic(&config_path, text.as_bytes())?;
    } else {
        workspace::write_private_new(&config_path, text.as_bytes())?;
    }
    Ok(())
}
