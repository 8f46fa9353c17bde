//! `dataskydd demo`: builds the example workspace of [`crate::demo`] and prints what it made.

use std::path::PathBuf;

use super::Ctx;
use crate::error::{Error, Result};
use crate::i18n::t;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd demo                       (skapar ./dataskydd-demo)\n  \
                        dataskydd --workspace /tmp/demo demo"
)]
pub struct Args {}

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
    let (ws, report) = crate::demo::build(&root, ctx.lang)?;
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
