//! `dataskydd account`: the inventory of social media accounts.

use std::path::PathBuf;

use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::registers::accounts::{self, Account};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Add an account to the register
    #[command(
        after_help = "Exempel / example:\n  dataskydd account add nykoping-fb --platform facebook_page \
                            --owner Kommunstyrelsen --name \"Nyköpings kommun\" --admins 3"
    )]
    Add {
        /// Short slug: a–z, 0–9 and -, at most 64 characters (used in file names)
        id: String,
        /// facebook_page | instagram | linkedin_page | x | youtube | tiktok | snapchat | blog | other
        #[arg(long)]
        platform: String,
        /// The committee or company board that owns the account
        #[arg(long)]
        owner: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        url: String,
        /// The person responsible (kontoansvarig)
        #[arg(long, default_value = "")]
        responsible: String,
        /// How many people hold the login (2–3 recommended)
        #[arg(long)]
        admins: Option<u32>,
        #[arg(long, default_value = "")]
        purpose: String,
        #[arg(long)]
        json: bool,
    },
    /// Import accounts from a CSV file (same columns as accounts.csv; all-or-nothing)
    #[command(
        after_help = "Exempel / example:\n  dataskydd account import konton.csv\n\n\
                            The file needs the columns id, platform, owner and may carry name, url, \
                            responsible, admins, purpose, added_at (a copy of accounts.csv imports as it is). \
                            What Excel saves is read as it is: ; or , separated, UTF-8 or Windows-1252, \
                            Swedish column names (konto, plattform, ägare, namn, adress, ansvarig, \
                            administratörer, syfte) and platform names (Facebook, Instagram, LinkedIn, blogg)."
    )]
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// List the accounts (with --overdue: never assessed or assessed over a year ago)
    #[command(after_help = "Exempel / example:\n  dataskydd account list --overdue --json")]
    List {
        #[arg(long)]
        overdue: bool,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        #[arg(long)]
        csv: bool,
    },
    /// Export every account's Art. 30 record entry (semicolon-separated, UTF-8 with BOM)
    #[command(
        after_help = "Exempel / example:\n  dataskydd account export --processing-records register.csv"
    )]
    Export {
        /// The file to write: one row per account for the record of processing activities
        #[arg(long, value_name = "FILE.csv")]
        processing_records: PathBuf,
    },
    #[command(flatten)]
    Life(super::account_life::Command),
    /// Show one account: its last assessment, status, goals, administrators, actions, history
    #[command(after_help = "Exempel / example:\n  dataskydd account show nykoping-fb --json")]
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    if let Command::Life(c) = c {
        return super::account_life::run(ctx, c);
    }
    let ws = ctx.workspace()?;
    let path = ws.accounts_csv();
    match c {
        Command::Export { processing_records } => {
            let n = crate::processing_records::export(&ws, &processing_records)?;
            println!(
                "{}",
                t(
                    &format!(
                        "{n} konton exporterade till {}.",
                        processing_records.display()
                    ),
                    &format!("{n} accounts exported to {}.", processing_records.display()),
                )
            );
        }
        Command::Add {
            id,
            platform,
            owner,
            name,
            url,
            responsible,
            admins,
            purpose,
            json,
        } => {
            let a = Account {
                id,
                platform,
                owner,
                name,
                url,
                responsible,
                admins,
                purpose,
                added_at: crate::clock::now().to_rfc3339(),
            };
            accounts::add(&path, &a)?;
            if admins.is_some_and(|n| n < 2) {
                eprintln!(
                    "{}",
                    t(
                        "Obs: minst två personer bör ha inloggningen, så att kontot inte blir föräldralöst.",
                        "Note: at least two people should hold the login, so the account is never orphaned.",
                    )
                );
            }
            if json {
                print_json(&json!({ "account": a }));
            } else {
                println!(
                    "{}",
                    t(
                        &format!("Kontot {} är registrerat.", a.id),
                        &format!("Account {} registered.", a.id)
                    )
                );
            }
        }
        Command::Import { file, json } => {
            let n = match accounts::import(&path, &file, &crate::clock::now().to_rfc3339())? {
                accounts::Imported::Added(n) => n,
                accounts::Imported::Already(n) => {
                    if json {
                        print_json(&json!({ "imported": 0, "already_imported": n }));
                    } else {
                        println!(
                            "{}",
                            t(
                                &format!("Alla {n} konton i {} finns redan i registret; inget ändrades.", file.display()),
                                &format!("All {n} accounts in {} are already in the register; nothing was changed.", file.display()),
                            )
                        );
                    }
                    return Ok(0);
                }
            };
            if json {
                print_json(&json!({ "imported": n }));
            } else {
                println!(
                    "{}",
                    t(
                        &format!("{n} konton importerades."),
                        &format!("{n} accounts imported.")
                    )
                );
            }
        }
        Command::List { overdue, json, csv } => {
            let rows = crate::lifecycle::listing::listing(&ws)?;
            let rows: Vec<_> = rows.into_iter().filter(|r| !overdue || r.overdue).collect();
            if json {
                print_json(&json!({ "accounts": rows }));
            } else if csv {
                let mut w = csv::Writer::from_writer(std::io::stdout());
                let _ = w.write_record([
                    "id",
                    "platform",
                    "owner",
                    "responsible",
                    "admins",
                    "last_assessed",
                    "exposure",
                    "overdue",
                ]);
                for r in &rows {
                    let _ = w.write_record([
                        r.account.id.as_str(),
                        &r.account.platform,
                        &r.account.owner,
                        &r.account.responsible,
                        &r.account.admins.map(|n| n.to_string()).unwrap_or_default(),
                        r.last_assessed.as_deref().unwrap_or(""),
                        r.exposure.as_deref().unwrap_or(""),
                        if r.overdue { "true" } else { "false" },
                    ]);
                }
                let _ = w.flush();
            } else if rows.is_empty() {
                println!("{}", t("Inga konton.", "No accounts."));
            } else {
                println!(
                    "{:<28} {:<14} {:<32} {:<12} {}",
                    "id",
                    t("plattform", "platform"),
                    t("ägare", "owner"),
                    t("bedömd", "assessed"),
                    t("exponering", "exposure")
                );
                for r in &rows {
                    println!(
                        "{:<28} {:<14} {:<32} {:<12} {}{}",
                        r.account.id,
                        crate::records::words::word(&r.account.platform),
                        r.account.owner,
                        r.last_assessed
                            .as_deref()
                            .map(|s| &s[..10.min(s.len())])
                            .unwrap_or("-"),
                        r.exposure
                            .as_deref()
                            .map(crate::records::words::word)
                            .unwrap_or_else(|| "-".into()),
                        if r.overdue {
                            t("  (ska bedömas)", "  (overdue)")
                        } else {
                            String::new()
                        }
                    );
                }
            }
        }
        Command::Show { id, json } => {
            accounts::check_id(&id)?;
            let rows = crate::lifecycle::listing::listing(&ws)?;
            let r = rows
                .into_iter()
                .find(|r| r.account.id == id)
                .ok_or_else(|| {
                    Error::input(t(
                        &format!("kontot '{id}' finns inte; se `dataskydd account list`"),
                        &format!("the account '{id}' does not exist; see `dataskydd account list`"),
                    ))
                    .in_file(&path)
                    .field("id")
                })?;
            let life = crate::lifecycle::steps::show_life(&ws, &id)?;
            if json {
                let mut v = serde_json::to_value(&r).expect("serialises");
                if let (Some(o), Some(l)) = (v.as_object_mut(), life.as_object()) {
                    for (k, x) in l {
                        o.insert(k.clone(), x.clone());
                    }
                }
                print_json(&v);
            } else {
                let a = &r.account;
                println!("{}  ({})", a.id, crate::records::words::word(&a.platform));
                println!("  {}: {}", t("ägare", "owner"), a.owner);
                for (k, v) in [
                    (t("namn", "name"), &a.name),
                    (t("adress", "address"), &a.url),
                    (t("ansvarig", "responsible"), &a.responsible),
                    (t("syfte", "purpose"), &a.purpose),
                ] {
                    if !v.is_empty() {
                        println!("  {k}: {v}");
                    }
                }
                if let Some(n) = a.admins {
                    println!("  {}: {n}", t("administratörer", "administrators"));
                }
                match &r.last_assessed {
                    Some(d) => println!(
                        "  {}: {} ({}: {}, {})",
                        t("senast bedömd", "last assessed"),
                        crate::i18n::human_time(d),
                        t("exponering", "exposure"),
                        r.exposure
                            .as_deref()
                            .map(crate::records::words::word)
                            .unwrap_or_else(|| "-".into()),
                        crate::records::labels::count(
                            r.must_actions.unwrap_or(0),
                            "åtgärd som ska göras",
                            "åtgärder som ska göras",
                            "must action",
                            "must actions"
                        )
                    ),
                    None => println!("  {}", t("aldrig bedömd", "never assessed")),
                }
                if let Some(rec) = &r.record {
                    println!("  {}: {rec}", t("senaste handling", "latest record"));
                }
                super::account_life::print_life(&life);
            }
        }
        Command::Life(_) => unreachable!("handled above"),
    }
    Ok(0)
}
