//! `dataskydd init`: create a workspace.

use super::Ctx;
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::workspace::{self, Config, Dpo, Organisation, Policy, Signing, CONFIG_FILE, PRESETS};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd init --org \"Sollentuna kommun\" --preset sollentuna \
                        --dpo-name \"Dataskyddsombudet\" --dpo-email dso@example.se"
)]
pub struct Args {
    /// The organisation (municipality or company) as it should appear on records
    #[arg(long, default_value = "Kommunen")]
    pub org: String,
    /// Local-policy preset: gdpr (the legal baseline only), stockholm, sollentuna, nykoping
    #[arg(long, default_value = "gdpr", value_parser = clap::builder::PossibleValuesParser::new(PRESETS))]
    pub preset: String,
    /// The data protection officer's name (dataskyddsombud), printed on breach records
    #[arg(long, default_value = "")]
    pub dpo_name: String,
    /// The data protection officer's e-mail
    #[arg(long, default_value = "")]
    pub dpo_email: String,
    /// The data protection officer's phone
    #[arg(long, default_value = "")]
    pub dpo_phone: String,
    /// Who signs the records (name on the signing certificate)
    #[arg(long, default_value = "Dataskyddsombudet")]
    pub signer_name: String,
    /// The signer's role (title on the signing certificate)
    #[arg(long, default_value = "Dataskyddsombud")]
    pub signer_role: String,
    /// A committee (nämnd) of the organisation, repeatable; replaces the preset's list
    /// (an `assess` owner_unit must be one of the committees or companies; `dataskydd org`)
    #[arg(long = "committee", value_name = "NAME")]
    pub committees: Vec<String>,
    /// A municipal company (its own legal person and controller), repeatable
    #[arg(long = "company", value_name = "NAME")]
    pub companies: Vec<String>,
}

/// The committees a preset starts with (each nämnd is its own controller).
fn committees(preset: &str) -> Vec<String> {
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

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let root = &ctx.root;
    let config_path = root.join(CONFIG_FILE);
    if config_path.exists() {
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
            language: ctx.lang,
            committees: if a.committees.is_empty() {
                committees(&a.preset)
            } else {
                a.committees.clone()
            },
            companies: a.companies.clone(),
        },
        dpo: Dpo {
            name: a.dpo_name,
            email: a.dpo_email,
            phone: a.dpo_phone,
        },
        policy: Policy {
            preset: a.preset.clone(),
            child_consents_alone_from: None,
        },
        signing: Signing::default(),
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
        root: root.clone(),
        config: config.clone(),
    };
    crate::registers::create_all(&ws_paths)?;
    crate::cli::keys::ensure_default_signer(&ws_paths, &a.signer_name, &a.signer_role)?;
    // The config is written last: a workspace exists only once everything in it does.
    workspace::write_private_new(&config_path, text.as_bytes())?;
    eprintln!(
        "{}",
        t(
            &format!(
                "Arbetsyta skapad i {} för {} (förinställning {}).",
                root.display(),
                a.org,
                a.preset
            ),
            &format!(
                "Workspace created in {} for {} (preset {}).",
                root.display(),
                a.org,
                a.preset
            ),
        )
    );
    Ok(0)
}
