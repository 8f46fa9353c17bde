//! The command line: one file per command, each turning options into calls on the domain
//! modules and printing the result (text, or exactly one JSON object with `--json`).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::i18n::{self, Lang};
use crate::workspace::Workspace;

pub mod account;
mod account_life;
mod action;
mod archive;
pub mod assess;
mod assess_all;
pub mod breach;
mod breach_decide;
pub mod choices;
pub mod consent;
mod demo;
mod demo_life;
mod init;
pub mod keys;
mod notice;
mod org;
pub mod photo;
mod report;
mod rerun;
mod serve;
mod sign;
mod usage_error;
mod user;
mod verify;
mod verify_registers;

#[derive(Parser, Debug)]
#[command(
    name = "dataskydd",
    version,
    about = "Bedöm, dokumentera och bevisa dataskyddet för kommunens konton i sociala medier \
             (assess, record and prove the data protection of a municipality's social media accounts)",
    after_help = "Exempel / examples:\n  dataskydd init --org \"Nyköpings kommun\" --preset nykoping\n  \
                  dataskydd account add nykoping-fb --platform facebook_page --owner Kommunstyrelsen\n  \
                  dataskydd assess nykoping-fb\n  dataskydd demo"
)]
pub struct Cli {
    /// The workspace folder (default: the current folder)
    #[arg(long, global = true, env = "DATASKYDD_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Language of questions, messages and documents
    #[arg(long, global = true, value_name = "sv|en", default_value = "sv")]
    pub lang: Lang,
    /// Who signs the records this command writes (a name from `keys/`); default from
    /// dataskydd.toml ([signing.users] for your login name, or default_signer)
    #[arg(long, global = true, env = "DATASKYDD_SIGNER", value_name = "NAME")]
    pub signer: Option<String>,
    /// Write to a workspace on a network drive (NFS, SMB) anyway; each write then re-checks
    /// the whole chain it appends to (file locks may be ignored there: prefer `serve`)
    #[arg(long, global = true)]
    pub allow_network_fs: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a workspace: dataskydd.toml, empty registers and a signing key
    Init(init::Args),
    /// The account register and each account's life: add, import, list, show, apply, decide, due, close
    #[command(
        subcommand,
        after_help = "Exempel / examples:\n  \
                      dataskydd account add nykoping-fb --platform facebook_page --owner Kommunstyrelsen\n  \
                      dataskydd account import konton.csv\n  \
                      dataskydd account list --overdue --json\n  \
                      dataskydd account show nykoping-fb\n  \
                      dataskydd account apply runbacka-ig\n  \
                      dataskydd account due --within 30d --ics uppfoljning.ics"
    )]
    Account(account::Command),
    /// Assess an account: controller, processors, transfers, CLOUD Act exposure
    Assess(assess::Args),
    /// The actions assessments found: list, done, assign
    #[command(
        subcommand,
        after_help = "Exempel / examples:\n  \
                      dataskydd action list --open\n  \
                      dataskydd action done a-0003 --note \"Biträdesavtal undertecknat\"\n  \
                      dataskydd action assign a-0003 --to \"Omar Haddad\""
    )]
    Action(action::Command),
    /// The annual report: one signed PDF per committee and one for the organisation, and a CSV
    Report(report::Args),
    /// May this photo or film be published? Checks consents and local policy
    Photo(photo::Args),
    /// Is a removed post or comment a personal data breach? Must IMY be told, by when?
    #[command(subcommand_negates_reqs = true)]
    Breach(breach::Args),
    /// The consent register: add, withdraw, check, list, extract, verify, export, import
    #[command(
        subcommand,
        after_help = "Exempel / examples:\n  \
                      dataskydd consent add --subject elev-0042 --role pupil --birth-year 2016 \\\n    \
                      --given-by guardian --giver \"Vårdnadshavare 1\" --purpose inform_activity \\\n    \
                      --channel sollentuna-skola-ig --valid-from 2026-08-17 --valid-until 2027-06-15 \\\n    \
                      --evidence \"Dnr BUN 2026/118\"\n  \
                      dataskydd consent check --subject elev-0042 --purpose inform_activity \\\n    \
                      --channel sollentuna-skola-ig --on 2026-11-23\n  \
                      dataskydd consent withdraw c-3f9a0c2d1e4b5a69 --via \"e-post till rektor\"\n  \
                      dataskydd consent verify"
    )]
    Consent(consent::Command),
    /// Signing keys and certificates
    #[command(
        subcommand,
        after_help = "Exempel / examples:\n  \
                      dataskydd keys show\n  \
                      dataskydd keys new --name \"Åsa Öberg\" --role Dataskyddsombud --default"
    )]
    Keys(keys::Command),
    /// Check the embedded signature of a PDF record
    Verify(verify::VerifyArgs),
    /// Check every register: hash chains, signed checkpoints, nothing added after them (exit 1 naming the line)
    VerifyRegisters(verify_registers::Args),
    /// Re-evaluate a signed record's embedded answers with today's rules
    Rerun(rerun::Args),
    /// Add a signature to a record (the decision-maker's), or prepare/complete one by a signing service
    Sign(sign::Args),
    /// Add a document timestamp (PAdES B-LTA) over records and their validation data
    Timestamp(sign::TimestampArgs),
    /// Build a complete example workspace from the three municipalities in the sources
    Demo(demo::Args),
    /// Serve the questionnaires, registers and records in a browser (http://127.0.0.1:8450/)
    #[command(after_help = "Exempel / examples:\n  dataskydd serve\n  \
                            dataskydd serve --listen 0.0.0.0:8450   (kräver användare / needs users)")]
    Serve(serve::Args),
    /// The web server's users: add, list
    #[command(
        subcommand,
        after_help = "Exempel / examples:\n  \
                      dataskydd user add \"Anna Rektor\" --role rektor --accounts sollentuna-skola-ig\n  \
                      printf '%s' \"$LOSEN\" | dataskydd user add dso --role dpo --password-stdin\n  \
                      dataskydd user list"
    )]
    User(user::Command),
    /// The organisation's committees (nämnder) and companies: show, add-committee, add-company
    #[command(
        subcommand,
        after_help = "Exempel / examples:\n  dataskydd org show\n  dataskydd org add-committee \"Kultur- och fritidsnämnden\"\n  dataskydd org add-company \"Nyköpings Hamn AB\""
    )]
    Org(org::Command),
    /// The text for an account's "about" page (Art. 13, Art. 26(2), 1998:112 3 §)
    Notice(notice::Args),
    /// E-archive packages (FGS Paketstruktur 2.0 / E-ARK SIP): export a year, verify one
    #[command(
        subcommand,
        after_help = "Exempel / examples:\n  \
                      dataskydd archive export --year 2026 --out arkiv-2026\n  \
                      dataskydd archive verify arkiv-2026"
    )]
    Archive(archive::Command),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // Messages are Swedish unless --lang en: clap's own are English.
            let args: Vec<String> = std::env::args().collect();
            let sv = match usage_error::lang_from_args(&args) {
                Lang::Sv if e.use_stderr() => usage_error::swedish(&e),
                _ => None,
            };
            match sv {
                Some(text) => eprint!("{text}"),
                None => {
                    let _ = e.print();
                }
            }
            return code;
        }
    };
    i18n::set(cli.lang);
    crate::signing::keystore::select_signer(cli.signer.clone());
    crate::ledger::files::allow_network_fs(cli.allow_network_fs);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dataskydd: {e}");
            e.exit_code()
        }
    }
}

pub struct Ctx {
    pub root: PathBuf,
    pub lang: Lang,
}

impl Ctx {
    pub fn workspace(&self) -> Result<Workspace> {
        Workspace::open(&self.root)
    }
}

fn run(cli: Cli) -> Result<i32> {
    // A fixed clock that does not parse would silently fall back to the real one.
    if let Ok(s) = std::env::var(crate::clock::ENV) {
        if chrono::DateTime::parse_from_rfc3339(s.trim()).is_err() {
            return Err(Error::Usage(crate::i18n::t(
                &format!(
                    "{}='{s}' är ingen tidpunkt (RFC 3339, t.ex. 2026-11-20T10:00:00+01:00)",
                    crate::clock::ENV
                ),
                &format!(
                    "{}='{s}' is not a date-time (RFC 3339, e.g. 2026-11-20T10:00:00+01:00)",
                    crate::clock::ENV
                ),
            )));
        }
    }
    let root = match cli.workspace {
        Some(p) => p,
        None => std::env::current_dir().map_err(|e| Error::io(&PathBuf::from("."), e))?,
    };
    let ctx = Ctx {
        root,
        lang: cli.lang,
    };
    match cli.command {
        Command::Init(a) => init::run(&ctx, a),
        Command::Account(c) => account::run(&ctx, c),
        Command::Assess(a) => assess::run(&ctx, a),
        Command::Action(c) => action::run(&ctx, c),
        Command::Report(a) => report::run(&ctx, a),
        Command::Photo(a) => photo::run(&ctx, a),
        Command::Breach(a) => breach::run(&ctx, a),
        Command::Consent(c) => consent::run(&ctx, c),
        Command::Keys(c) => keys::run(&ctx, c),
        Command::Verify(a) => verify::run_verify(&ctx, a),
        Command::VerifyRegisters(a) => verify_registers::run(&ctx, a),
        Command::Rerun(a) => rerun::run(&ctx, a),
        Command::Sign(a) => sign::run(&ctx, a),
        Command::Timestamp(a) => sign::run_timestamp(&ctx, a),
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, a),
        Command::User(c) => user::run(&ctx, c),
        Command::Org(c) => org::run(&ctx, c),
        Command::Notice(a) => notice::run(&ctx, a),
        Command::Archive(c) => archive::run(&ctx, c),
    }
}

/// Prints exactly one JSON object on stdout.
///
/// A reader that stops early (`| head`, a script that closed its end) is not an error of
/// ours: the work is done and stored by the time the result is printed, so a closed pipe
/// ends the output quietly instead of panicking.
pub fn print_json(value: &serde_json::Value) {
    use std::io::Write;
    let text = serde_json::to_string_pretty(value).expect("JSON values serialise");
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("dataskydd: stdout: {e}");
        }
    }
}
