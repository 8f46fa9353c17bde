//! `dataskydd verify-registers [--json] [--anchor]`: checks every register of the workspace
//! (hash chain, checkpoint signatures, nothing after the last checkpoint) in one command.

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::registers;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exempel / example:\n  dataskydd verify-registers\n  dataskydd verify-registers --json"
)]
pub struct Args {
    #[arg(long)]
    pub json: bool,
    /// Sign the current state of registers that have rows but no checkpoint yet (registers
    /// from before checkpoints), after checking their chains
    #[arg(long)]
    pub anchor: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<i32> {
    let ws = ctx.workspace()?;
    let mut results = Vec::new();
    let mut failed = 0;
    for ledger in registers::all_ledgers(&ws)? {
        let name = ledger
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !ledger.path.exists() {
            continue;
        }
        let mut anchored_now = false;
        if a.anchor {
            match ledger.anchor_existing() {
                Ok(done) => anchored_now = done,
                Err(e @ Error::CheckFailed(_)) => {
                    failed += 1;
                    results.push(broken(&name, &e));
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        match ledger.verify() {
            Ok(r) => results.push(json!({
                "register": name,
                "file": ledger.path.display().to_string(),
                "valid": true,
                "rows": r.rows,
                "chained": !r.unchained && ledger.chained,
                "checkpoints": r.checkpoints,
                "last_checkpoint_at": r.last_checkpoint_at,
                "last_hash": r.last_hash,
                "torn_bytes": r.torn_bytes,
                "pending_bytes": r.pending_bytes,
                "anchored_now": anchored_now,
            })),
            Err(e @ Error::CheckFailed(_)) => {
                failed += 1;
                results.push(broken(&name, &e));
            }
            // A register that cannot be read as one (a bad header, a field count) is broken
            // too, for the purpose of this check: say which and go on with the others.
            Err(e @ Error::Input { .. }) => {
                failed += 1;
                results.push(broken(&name, &e));
            }
            Err(e) => return Err(e),
        }
    }
    // The signed records as witnesses: each names the registers' signed states when it was
    // made; a register whose checkpoints lack one was put back to an older copy.
    let witnessed = registers::witness::check(&ws)?;
    for m in &witnessed.missing {
        if let Some(r) = results
            .iter_mut()
            .find(|r| r["register"].as_str() == Some(m.register.as_str()))
        {
            if r["valid"] == true {
                failed += 1;
                *r = json!({ "register": m.register, "valid": false, "line": null, "error": m.message(), "record": m.record.display().to_string() });
            }
        }
    }
    if a.json {
        print_json(&json!({
            "valid": failed == 0,
            "registers": results,
            "records_checked": witnessed.records,
        }));
    } else {
        for r in &results {
            let name = r["register"].as_str().unwrap_or_default();
            if r["valid"] == true {
                let cps = r["checkpoints"].as_u64().unwrap_or(0);
                println!(
                    "{}",
                    t(
                        &format!(
                            "{name}: {} rader, kedjan obruten{}",
                            r["rows"],
                            if cps > 0 {
                                format!(
                                    ", senast signerad {}",
                                    r["last_checkpoint_at"].as_str().unwrap_or("")
                                )
                            } else {
                                String::new()
                            }
                        ),
                        &format!(
                            "{name}: {} rows, the chain is intact{}",
                            r["rows"],
                            if cps > 0 {
                                format!(
                                    ", last signed {}",
                                    r["last_checkpoint_at"].as_str().unwrap_or("")
                                )
                            } else {
                                String::new()
                            }
                        ),
                    )
                );
                if r["anchored_now"] == true {
                    println!(
                        "  {}",
                        t(
                            "nuvarande läge signerat nu (första kontrollpunkten)",
                            "current state signed now (first checkpoint)"
                        )
                    );
                }
            } else {
                println!(
                    "{name}: {} — {}",
                    t("BRUTET", "BROKEN"),
                    r["error"].as_str().unwrap_or_default()
                );
            }
        }
    }
    if failed > 0 {
        if !a.json {
            eprintln!(
                "dataskydd: {}",
                t(
                    &format!("{failed} register klarade inte kontrollen"),
                    &format!("{failed} registers failed the check")
                )
            );
        }
        return Ok(1);
    }
    Ok(0)
}

fn broken(name: &str, e: &Error) -> serde_json::Value {
    let message = e.to_string();
    let marker = format!("{} ", t("rad", "line"));
    let line = message.find(&marker).and_then(|i| {
        let rest = &message[i + marker.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse::<u64>().ok()
    });
    json!({ "register": name, "valid": false, "line": line, "error": message })
}
