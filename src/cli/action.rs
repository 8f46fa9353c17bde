//! `dataskydd action list | done | assign`: the actions assessments found.

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::lifecycle::actions;
use crate::lifecycle::follow_up::Snapshot;
use crate::registers::actions::Event;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// List actions (all, or only open ones, of one account or owner)
    #[command(after_help = "Exempel / examples:\n  dataskydd action list --open\n  \
        dataskydd action list --account nykoping-fb --json\n  dataskydd action list --owner \"Anna Berg\" --csv")]
    List {
        #[arg(long)]
        open: bool,
        #[arg(long, value_name = "ID")]
        account: Option<String>,
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        #[arg(long)]
        csv: bool,
    },
    /// Mark an action done, saying what was done
    #[command(
        after_help = "Exempel / example:\n  dataskydd action done a-0003 --note \"Biträdesavtal undertecknat, dnr KS 2026/88\""
    )]
    Done {
        id: String,
        #[arg(long, value_name = "TEXT")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Give an action to someone else
    #[command(
        after_help = "Exempel / example:\n  dataskydd action assign a-0003 --to \"Omar Haddad\""
    )]
    Assign {
        id: String,
        #[arg(long, value_name = "NAME")]
        to: String,
        #[arg(long)]
        json: bool,
    },
}

fn check_text(v: &str, field: &str) -> Result<()> {
    if v.trim().is_empty() {
        return Err(Error::input(t("får inte vara tomt", "may not be empty")).field(field));
    }
    crate::ledger::check_field(v).map_err(|e| e.field(field))
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    let ws = ctx.workspace()?;
    let path = ws.path(crate::registers::actions::FILE);
    // Held from reading an action's state to appending its change.
    let _lock = crate::registers::account_history::lock(&ws.root)?;
    let s = Snapshot::read(&ws)?;
    let by = crate::signing::keystore::cached_signer(&ws)
        .map(|x| x.name().to_string())
        .unwrap_or_default();
    let now = crate::clock::now().to_rfc3339();
    match c {
        Command::List {
            open,
            account,
            owner,
            json,
            csv,
        } => {
            if let Some(a) = &account {
                crate::registers::accounts::check_id(a).map_err(|e| e.field("--account"))?;
            }
            let list: Vec<_> = s
                .actions
                .iter()
                .filter(|a| !open || a.is_open())
                .filter(|a| account.as_ref().is_none_or(|x| &a.account == x))
                .filter(|a| {
                    owner
                        .as_ref()
                        .is_none_or(|o| a.owner.to_lowercase() == o.trim().to_lowercase())
                })
                .collect();
            if json {
                print_json(&json!({ "actions": list }));
            } else if csv {
                let mut w = ::csv::Writer::from_writer(std::io::stdout());
                let _ = w.write_record([
                    "id", "account", "code", "level", "status", "owner", "due", "overdue", "text",
                    "note",
                ]);
                for a in &list {
                    let _ = w.write_record([
                        a.id.as_str(),
                        &a.account,
                        &a.code,
                        &a.level,
                        a.status.code(),
                        &a.owner,
                        &a.due,
                        if a.overdue { "true" } else { "false" },
                        &a.text,
                        &a.note,
                    ]);
                }
                let _ = w.flush();
            } else if list.is_empty() {
                println!("{}", t("Inga åtgärder.", "No actions."));
            } else {
                for a in &list {
                    println!(
                        "{:<7} {:<24} {:<6} {:<22} {:<20} {} {}{}",
                        a.id,
                        a.account,
                        crate::records::words::word(&a.level),
                        a.status.label(),
                        a.owner,
                        t("senast", "due"),
                        a.due,
                        if a.overdue {
                            t(" (försenad)", " (overdue)")
                        } else {
                            String::new()
                        }
                    );
                    println!("        {}   [{}]", a.text, a.code);
                }
            }
        }
        Command::Done { id, note, json } => {
            check_text(&note, "--note")?;
            let a = actions::open_action(&s.actions, &id).map_err(|e| e.in_file(&path))?;
            let row = actions::event_row(a, Event::Done, &now, &by, note.trim(), &a.owner);
            crate::registers::actions::append(&path, &[row])?;
            if json {
                print_json(
                    &json!({"action": id, "status": "done", "note": note.trim(), "at": now}),
                );
            } else {
                println!(
                    "{}",
                    t(
                        &format!("Åtgärd {id} är klar."),
                        &format!("Action {id} is done.")
                    )
                );
            }
        }
        Command::Assign { id, to, json } => {
            check_text(&to, "--to")?;
            let a = actions::open_action(&s.actions, &id).map_err(|e| e.in_file(&path))?;
            let row = actions::event_row(a, Event::Assigned, &now, &by, "", to.trim());
            crate::registers::actions::append(&path, &[row])?;
            if json {
                print_json(&json!({"action": id, "owner": to.trim(), "at": now}));
            } else {
                println!(
                    "{}",
                    t(
                        &format!("Åtgärd {id} ägs nu av {}.", to.trim()),
                        &format!("Action {id} is now owned by {}.", to.trim())
                    )
                );
            }
        }
    }
    Ok(0)
}
