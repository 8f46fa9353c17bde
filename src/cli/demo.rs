//! `dataskydd demo`: a complete example workspace built from the three municipalities in
//! the source documents, with every record signed. All people and events are fictional.

use std::path::PathBuf;

use super::Ctx;
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::registers::accounts::{self, Account};
use crate::workspace::Workspace;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd demo                       (skapar ./dataskydd-demo)\n  \
                        dataskydd --workspace /tmp/demo demo"
)]
pub struct Args {}

/// (id, platform, owner, name, answers)
const ACCOUNTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "nykoping-fb",
        "facebook_page",
        "Kommunstyrelsen",
        "Nyköpings kommun",
        include_str!("../../questionnaires/demo/nykoping-fb.toml"),
    ),
    (
        "sollentuna-skola-ig",
        "instagram",
        "Barn- och utbildningsnämnden",
        "Runbacka skola (fiktiv)",
        include_str!("../../questionnaires/demo/sollentuna-skola-ig.toml"),
    ),
    (
        "stockholm-socialtjanst-fb",
        "facebook_page",
        "Socialnämnden",
        "Socialtjänsten Stockholm (fiktiv)",
        include_str!("../../questionnaires/demo/stockholm-socialtjanst-fb.toml"),
    ),
    (
        "stockholm-fritidsgard-ig",
        "instagram",
        "Skärholmens stadsdelsnämnd",
        "Fritidsgården Skärholmen (fiktiv)",
        include_str!("../../questionnaires/demo/stockholm-fritidsgard-ig.toml"),
    ),
    (
        "stockholm-x",
        "x",
        "Kommunstyrelsen",
        "Stockholms stad",
        include_str!("../../questionnaires/demo/stockholm-x.toml"),
    ),
];

pub fn run(ctx: &Ctx, _a: Args) -> Result<i32> {
    let root: PathBuf = if ctx.root == std::env::current_dir().unwrap_or_default() {
        ctx.root.join("dataskydd-demo")
    } else {
        ctx.root.clone()
    };
    if root.join(crate::workspace::CONFIG_FILE).exists() {
        return Err(Error::Usage(t(
            &format!(
                "{} finns redan: ta bort mappen eller ange en annan med --workspace",
                root.display()
            ),
            &format!(
                "{} already exists: remove the folder or name another with --workspace",
                root.display()
            ),
        )));
    }
    let init_ctx = Ctx {
        root: root.clone(),
        lang: ctx.lang,
    };
    super::init::run(
        &init_ctx,
        super::init::Args {
            org: "Demokommun (fiktiv: Stockholm, Sollentuna, Nyköping)".into(),
            preset: "sollentuna".into(),
            dpo_name: "Dataskyddsombudet (fiktiv)".into(),
            dpo_email: "dataskyddsombud@demokommun.example".into(),
            dpo_phone: "08-000 00 00".into(),
            signer_name: "Åsa Öberg (fiktiv)".into(),
            signer_role: "Dataskyddsombud".into(),
            committees: Vec::new(),
            companies: Vec::new(),
        },
    )?;
    let ws = Workspace::open(&root)?;
    let q = Questionnaire::load("account")?;
    let now = crate::clock::now().to_rfc3339();
    for (id, platform, owner, name, answers) in ACCOUNTS {
        accounts::add(
            &ws.accounts_csv(),
            &Account {
                id: id.to_string(),
                platform: platform.to_string(),
                owner: owner.to_string(),
                name: name.to_string(),
                responsible: t("Kommunikatör (fiktiv)", "Communicator (fictional)"),
                admins: Some(if *id == "stockholm-x" { 1 } else { 2 }),
                purpose: t(
                    "Information om verksamheten",
                    "Information about the service",
                ),
                added_at: now.clone(),
                ..Default::default()
            },
        )?;
        let saved = super::assess::saved_path(&ws, id);
        crate::workspace::ensure_private_dir(&ws.answers_dir("assess"))?;
        crate::workspace::write_atomic(&saved, answers.as_bytes())?;
        let (result, record) =
            super::assess::assess_one(&ws, &q, id, answers, &saved, &ws.output_dir(), false, None)?;
        let record = match record {
            Some((path, entry)) => {
                crate::registers::assessments::append_all(&ws.path("assessments.csv"), &[entry])?;
                // The assessment's must and should become the account's actions.
                let rec = path.display().to_string();
                crate::lifecycle::hooks::after_assessments(
                    &ws,
                    &[crate::lifecycle::hooks::Assessed {
                        account: id,
                        actions: &result.actions,
                        record: &rec,
                    }],
                )?;
                Some(path)
            }
            None => None,
        };
        println!(
            "{:<28} {:<9} {}",
            id,
            result.exposure,
            record.map(|p| p.display().to_string()).unwrap_or_default()
        );
    }
    let (withdrawn, takedown) = super::demo_photo::demo_report(&ws)?;
    println!(
        "{}",
        t(
            &format!(
                "Samtycke {withdrawn} återkallat: {} publiceringar ska tas ned.",
                takedown.len()
            ),
            &format!(
                "Consent {withdrawn} withdrawn: {} publications must be taken down.",
                takedown.len()
            ),
        )
    );
    super::breach::demo(&ws)?;
    super::demo_life::run(&init_ctx, &ws)?;
    eprintln!(
        "{}",
        t(
            &format!(
                "Demoarbetsytan är klar i {}. Prova: dataskydd --workspace {} account list",
                root.display(),
                root.display()
            ),
            &format!(
                "The demo workspace is ready in {}. Try: dataskydd --workspace {} account list",
                root.display(),
                root.display()
            ),
        )
    );
    Ok(0)
}
