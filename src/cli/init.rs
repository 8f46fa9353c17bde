//! `dataskydd init`: create a workspace.

use super::Ctx;
use crate::error::Result;
use crate::i18n::t;
use crate::setup::Setup;
use crate::workspace::PRESETS;

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

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let root = &ctx.root;
    crate::setup::create(
        root,
        ctx.lang,
        &Setup {
            org: a.org.clone(),
            preset: a.preset.clone(),
            dpo_name: a.dpo_name,
            dpo_email: a.dpo_email,
            dpo_phone: a.dpo_phone,
            signer_name: a.signer_name,
            signer_role: a.signer_role,
            committees: a.committees,
            companies: a.companies,
            signing: None,
        },
    )?;
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
