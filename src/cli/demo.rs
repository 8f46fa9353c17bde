//! `dataskydd demo`: builds the example workspace of [`crate::demo`] and prints what it made.

use std::path::PathBuf;

use super::Ctx;
use crate::error::{Error, Result};
use crate::i18n::t;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd demo                       (skapar ./dataskydd-demo)\n  \
                        dataskydd --workspace /tmp/demo demo\n\n\
    Med en dataskydd.toml i mappen som bara har [signing] (key, cert, tsa_url) signerar demon \
    med den nyckeln och tidsstämpeltjänsten; nycklar i keys/ med de fiktiva beslutsfattarnas \
    namn används för deras signaturer.\n\
    With a dataskydd.toml in the folder holding only [signing] (key, cert, tsa_url) the demo \
    signs with that key and TSA; keys in keys/ named after the fictional decision makers sign \
    their decisions."
)]
pub struct Args {}

pub fn run(ctx: &Ctx, _a: Args) -> Result<i32> {
    let root: PathBuf = if ctx.root == std::env::current_dir().unwrap_or_default() {
        ctx.root.join("dataskydd-demo")
    } else {
        ctx.root.clone()
    };
    let config = root.join(crate::workspace::CONFIG_FILE);
    // A dataskydd.toml with nothing but [signing]: the demo signs as it says (a key with its
    // PKI chain, a TSA); anything more is a workspace, not overwritten.
    let signing = if config.exists() {
        crate::workspace::signing_only_config(&config)?
    } else {
        None
    };
    if config.exists() && signing.is_none() {
        return Err(Error::Usage(t(
            &format!(
                "{} finns redan: ta bort mappen eller ange en annan med --workspace (en \
                 dataskydd.toml med bara [signing] används av demon)",
                root.display()
            ),
            &format!(
                "{} already exists: remove the folder or name another with --workspace (a \
                 dataskydd.toml with only [signing] is used by the demo)",
                root.display()
            ),
        )));
    }
    let (ws, report) = crate::demo::build(&root, ctx.lang, signing)?;
    for line in &report.accounts {
        println!(
            "{:<28} {:<9} {}",
            line.id,
            crate::records::words::word(&line.outcome),
            line.record
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    }
    for (withdrawn, takedown) in &report.withdrawn {
        println!(
            "{}",
            t(
                &format!(
                    "Samtycke {withdrawn} återkallat: {} ska tas ned.",
                    crate::records::labels::count(
                        takedown.len(),
                        "publicering",
                        "publiceringar",
                        "",
                        ""
                    )
                ),
                &format!(
                    "Consent {withdrawn} withdrawn: {} must be taken down.",
                    crate::records::labels::count(
                        takedown.len(),
                        "",
                        "",
                        "publication",
                        "publications"
                    )
                ),
            )
        );
    }
    let demo_ctx = Ctx {
        root: root.clone(),
        lang: ctx.lang,
    };
    super::demo_life::run(&demo_ctx, &ws)?;
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
