//! `dataskydd org show | add-committee NAME | add-company NAME`: the organisation's lists.

use super::{print_json, Ctx};
use crate::error::Result;
use crate::i18n::t;
use crate::organisation::{self, List};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Show the organisation, its committees (nämnder) and companies, and the DPO
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Add a committee (nämnd): its own authority and its own controller
    AddCommittee { name: String },
    /// Add a municipal company: its own legal person and its own controller
    AddCompany { name: String },
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    let ws = ctx.workspace()?;
    match c {
        Command::Show { json } => {
            let o = &ws.config.organisation;
            if json {
                print_json(&serde_json::json!({
                    "organisation": o.name,
                    "committees": o.committees,
                    "companies": o.companies,
                    "dpo": ws.config.dpo.contact(),
                }));
            } else {
                println!("{}", o.name);
                println!("{}:", t("Nämnder", "Committees"));
                for n in &o.committees {
                    println!("  {n}");
                }
                println!("{}:", t("Bolag", "Companies"));
                for n in &o.companies {
                    println!("  {n}");
                }
                println!(
                    "{}: {}",
                    t("Dataskyddsombud", "DPO"),
                    ws.config.dpo.contact()
                );
            }
        }
        Command::AddCommittee { name } => {
            organisation::add(&ws, List::Committees, &name)?;
            eprintln!(
                "{}",
                t(
                    &format!("Nämnden {name} är tillagd."),
                    &format!("Committee {name} added.")
                )
            );
        }
        Command::AddCompany { name } => {
            organisation::add(&ws, List::Companies, &name)?;
            eprintln!(
                "{}",
                t(
                    &format!("Bolaget {name} är tillagt."),
                    &format!("Company {name} added.")
                )
            );
        }
    }
    Ok(0)
}
