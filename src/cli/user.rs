//! `dataskydd user`: the people who may use `dataskydd serve`, their roles and passwords.

use std::io::{IsTerminal, Read};

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::web::auth::{self, Role, Users};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Add a user (asks for the password on the terminal, or reads it with --password-stdin)
    Add(AddArgs),
    /// List the users and their roles (never the password hashes)
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// The user's name (shown on the pages, in the web log and in the user's certificate)
    pub name: String,
    #[arg(long, value_enum)]
    pub role: Role,
    /// The accounts (ids in accounts.csv) the user works with; rektor and communicator see only these
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub accounts: Vec<String>,
    /// Read the password from standard input (for scripts)
    #[arg(long, conflicts_with = "proxy_only")]
    pub password_stdin: bool,
    /// No password: the user signs in through the trusted reverse proxy only
    #[arg(long)]
    pub proxy_only: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    let ws = ctx.workspace()?;
    match c {
        Command::Add(a) => {
            let password = if a.proxy_only {
                None
            } else if a.password_stdin {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| Error::Usage(e.to_string()))?;
                Some(s.trim_end_matches(['\r', '\n']).to_string())
            } else {
                if !std::io::stdin().is_terminal() {
                    return Err(Error::Usage(t(
                        "ingen terminal att fråga efter lösenordet på: använd --password-stdin",
                        "no terminal to ask for the password on: use --password-stdin",
                    )));
                }
                Some(
                    inquire::Password::new(&t("Lösenord:", "Password:"))
                        .prompt()
                        .map_err(|e| Error::Usage(e.to_string()))?,
                )
            };
            let u = auth::add_user(&ws, &a.name, a.role, &a.accounts, password.as_deref())?;
            if a.json {
                print_json(
                    &serde_json::json!({"name": u.name, "role": u.role.name(), "accounts": u.accounts, "cert": u.cert}),
                );
            } else {
                println!(
                    "{}",
                    t(
                        &format!(
                            "Användaren {} ({}) är tillagd, med egen signeringsnyckel.",
                            u.name,
                            u.role.name()
                        ),
                        &format!(
                            "The user {} ({}) is added, with an own signing key.",
                            u.name,
                            u.role.name()
                        ),
                    )
                );
            }
            Ok(0)
        }
        Command::List { json } => {
            let users = Users::load(&ws)?;
            if json {
                let list: Vec<_> = users
                    .users
                    .iter()
                    .map(|u| serde_json::json!({"name": u.name, "role": u.role.name(), "accounts": u.accounts, "password": u.password.is_some()}))
                    .collect();
                print_json(&serde_json::json!({ "users": list }));
            } else {
                for u in &users.users {
                    println!("{}\t{}\t{}", u.name, u.role.name(), u.accounts.join(","));
                }
            }
            Ok(0)
        }
    }
}
