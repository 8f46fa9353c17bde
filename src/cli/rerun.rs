//! `dataskydd rerun FILE.pdf`: prints what [`crate::pipeline::rerun`] found.

use std::path::PathBuf;

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::Result;
use crate::i18n::t;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd rerun output/bedomning-nykoping-fb-20261120-100000-01.pdf\n  \
                        dataskydd rerun output/bedomning-nykoping-fb-20261120-100000-01.pdf --json\n\n\
                        Slutstatus / exit status: 0 (whether or not anything changed), 1 the \
                        signature is not valid, 2 not a record of this tool."
)]
pub struct Args {
    /// A signed record written by dataskydd
    #[arg(value_name = "FILE.pdf")]
    pub file: PathBuf,
    /// Print exactly one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let pdf = crate::input::read(&a.file, crate::input::RECORD_LIMIT)?;
    let ws = ctx.workspace().ok();
    let r = crate::pipeline::rerun::rerun(&pdf, &a.file, ws.as_ref())?;
    let (kind, signature, old, new, diff) = (&r.kind, &r.signature, &r.then, &r.now, &r.diff);
    let signature_valid = signature.is_ok();
    let unchanged = r.unchanged();
    if a.json {
        print_json(&json!({
            "file": a.file.display().to_string(),
            "kind": kind,
            "signature_valid": signature_valid,
            "signature_error": signature.as_ref().err().map(|e| e.message().to_string()),
            "rules_version_then": old["rules_version"],
            "rules_version_now": crate::assessment::RULES_VERSION,
            "unchanged": unchanged,
            "added": diff.added,
            "removed": diff.removed,
            "changed": diff.changed,
            "fields": diff.fields,
            "outcomes_then": old["outcomes"],
            "outcomes_now": new["outcomes"],
        }));
    } else {
        match signature {
            Ok(v) => {
                let at = v
                    .signed_at
                    .with_timezone(&chrono_tz::Europe::Stockholm)
                    .format("%Y-%m-%d %H:%M");
                println!(
                    "{}",
                    t(
                        &format!("Signaturen är giltig ({}, {at}).", v.signer),
                        &format!("The signature is valid ({}, {at}).", v.signer)
                    )
                )
            }
            Err(e) => println!(
                "{}",
                t(
                    &format!("SIGNATUREN ÄR INTE GILTIG: {}", e.message()),
                    &format!("THE SIGNATURE IS NOT VALID: {}", e.message())
                )
            ),
        }
        println!(
            "{}",
            t(
                &format!(
                    "Regler då: {}, nu: {}.",
                    old["rules_version"].as_str().unwrap_or("?"),
                    crate::assessment::RULES_VERSION
                ),
                &format!(
                    "Rules then: {}, now: {}.",
                    old["rules_version"].as_str().unwrap_or("?"),
                    crate::assessment::RULES_VERSION
                ),
            )
        );
        if unchanged {
            println!(
                "{}",
                t(
                    "Slutsatserna står sig: inget har ändrats.",
                    "The conclusions still hold: nothing changed."
                )
            );
        }
        for (k, then, now) in &diff.fields {
            println!("  {k}: {then} → {now}");
        }
        // Rules 2026.12: each change names the DOMAIN rule behind it (the catalogue's mark).
        let mark = |c: &str| {
            crate::finding::catalogue()
                .get(c)
                .map(|e| format!(" [{}]", e.mark))
                .unwrap_or_default()
        };
        for c in &diff.added {
            println!(
                "  + {c}{}  {}",
                mark(c),
                t("(ny slutsats)", "(new finding)")
            );
        }
        for c in &diff.removed {
            println!(
                "  - {c}{}  {}",
                mark(c),
                t("(gäller inte längre)", "(no longer applies)")
            );
        }
        for c in &diff.changed {
            println!(
                "  ~ {c}{}  {}",
                mark(c),
                t(
                    "(ändrad text, källor eller rättsläge)",
                    "(changed text, sources or settledness)"
                )
            );
        }
    }
    Ok(if signature_valid { 0 } else { 1 })
}
