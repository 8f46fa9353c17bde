//! `dataskydd consent …`: the consent register (GDPR art. 7, 15, 17).

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate};
use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::pipeline::consent::{consent_json, register, repaired};
use crate::record::{self, Record};
use crate::registers::consent_import::{each_import_row, ImportRow};
use crate::registers::consents::{
    self, known_channels, Consent, Input, Problem, Register, MEDIA, PURPOSES,
};
use crate::registers::publications;
use crate::workspace::Workspace;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Register a consent and write a signed receipt for the person who gave it
    #[command(
        after_help = "Exempel / example:\n  dataskydd consent add --subject elev-0042 --role pupil --birth-year 2016 \\\n    --given-by guardian --giver \"Vårdnadshavare 1\" --purpose inform_activity,event \\\n    --channel sollentuna-skola-ig --media photo,video \\\n    --valid-from 2026-08-17 --valid-until 2027-06-15 --evidence \"Dnr BUN 2026/118\""
    )]
    Add(Box<AddArgs>),
    /// Register a withdrawal (a new row) and list every publication that must come down
    #[command(
        after_help = "Exempel / example:\n  dataskydd consent withdraw c-3f9a0c2d1e4b5a69 --via \"e-post till rektor\" --by \"Vårdnadshavare 1\""
    )]
    Withdraw(WithdrawArgs),
    /// Is there a valid consent for this subject, purpose, channel and medium on a date? (exit 1 if not)
    #[command(
        after_help = "Exempel / example:\n  dataskydd consent check --subject elev-0042 --purpose inform_activity \\\n    --channel sollentuna-skola-ig --media photo --on 2026-11-23"
    )]
    Check(CheckArgs),
    /// List consents, with their state today
    #[command(
        after_help = "Exempel / example:\n  dataskydd consent list --status withdrawn\n  dataskydd consent list --subject elev-0042 --json"
    )]
    List(ListArgs),
    /// Import a list of consents (CSV): every row is checked first; all or nothing
    #[command(
        after_help = "Exempel / example:\n  dataskydd consent import samtycken-ht2026.csv\n\nThe header: subject,role,birth_year,given_by,giver,purpose,channel,media,valid_from,valid_until,evidence\n(optional: notice_version,language,collection_method,withdrawal_method,explicit_art9); several values in a field\nare comma-separated and quoted: \"inform_activity,event\".\n\nWhat Excel saves is read as it is: ; or , separated, UTF-8 (with or without BOM) or Windows-1252, Swedish\ncolumn names and values (Elev;Roll;Födelseår;Lämnat av;Vårdnadshavare;Ändamål;Kanal;Medier;Giltigt från;\nGiltigt till;Underlag; elev, vårdnadshavare, bild, film), and the file of `consent export --excel`\n(withdrawn consents in it are not imported). A bad row is named by its row as Excel shows it."
    )]
    Import(ImportArgs),
    /// Everything held about a person (GDPR art. 15): consents, withdrawals, publications; text, JSON and a signed PDF
    #[command(
        after_help = "Exempel / example:\n  dataskydd consent extract --subject elev-0042\n  dataskydd consent extract --subject elev-0042 --json"
    )]
    Extract(ExtractArgs),
    /// Check the register's hash chain (exit 1 naming the first line that fails)
    #[command(after_help = "Exempel / example:\n  dataskydd consent verify")]
    Verify(VerifyArgs),
    /// Export for Excel (semicolon-separated, UTF-8 with BOM, Swedish headers and values; imports again)
    #[command(after_help = "Exempel / example:\n  dataskydd consent export --excel samtycken.csv")]
    Export(ExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// The subject's reference (a pseudonym such as elev-0042, or a name)
    #[arg(long)]
    pub subject: String,
    /// pupil | child | staff | official | public
    #[arg(long)]
    pub role: String,
    /// The subject's year of birth (YYYY)
    #[arg(long, value_name = "YYYY")]
    pub birth_year: String,
    /// subject | guardian
    #[arg(long, value_name = "subject|guardian")]
    pub given_by: String,
    /// Who gave the consent (name)
    #[arg(long)]
    pub giver: String,
    /// inform_activity | event | marketing | recruitment | documentation (several: comma-separated)
    #[arg(long, value_name = "P[,P]")]
    pub purpose: String,
    /// Account ids from accounts.csv (several: comma-separated)
    #[arg(long, value_name = "ACCOUNT[,ACCOUNT]")]
    pub channel: String,
    /// photo | video | name | voice (several: comma-separated)
    #[arg(long, value_name = "photo[,video,name,voice]", default_value = "photo")]
    pub media: String,
    #[arg(long, value_name = "DATE")]
    pub valid_from: String,
    #[arg(long, value_name = "DATE")]
    pub valid_until: String,
    /// The evidence: e.g. the registration number of the signed form (Art. 7(1))
    #[arg(long)]
    pub evidence: String,
    /// The version of the form or notice shown (ISO/IEC TS 27560)
    #[arg(long, default_value = "")]
    pub notice_version: String,
    /// The language of the notice
    #[arg(long = "notice-language", default_value = "")]
    pub notice_language: String,
    /// signed_form | e_signature | email | other
    #[arg(long, default_value = "")]
    pub collection_method: String,
    /// How the consent can be withdrawn (shown on the receipt)
    #[arg(long, default_value = "")]
    pub withdrawal_method: String,
    /// The sensitive context (Art. 9: health, religion, ...) the person explicitly
    /// consented to, in the words of the form, e.g. "bilder från elevhälsans
    /// hälsovecka". Only such a consent lets a picture that reveals it be published.
    #[arg(long = "explicit-art9", value_name = "TEXT", default_value = "")]
    pub explicit_art9: String,
    /// Folder for the receipt (default: output/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct WithdrawArgs {
    pub consent_id: String,
    /// When (RFC 3339 with offset; default: now)
    #[arg(long, value_name = "DATETIME")]
    pub at: Option<String>,
    /// How it was withdrawn (e.g. "e-post", "muntligt till rektor")
    #[arg(long, value_name = "TEXT")]
    pub via: Option<String>,
    /// Who withdrew it (default: who gave it)
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[arg(long)]
    pub subject: String,
    #[arg(long)]
    pub purpose: String,
    #[arg(long)]
    pub channel: String,
    #[arg(long, default_value = "photo")]
    pub media: String,
    /// The date (default: today)
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[arg(long)]
    pub subject: Option<String>,
    #[arg(long, value_name = "active|withdrawn|expired")]
    pub status: Option<String>,
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    #[arg(long)]
    pub csv: bool,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    pub file: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ExtractArgs {
    #[arg(long)]
    pub subject: String,
    #[arg(long)]
    pub json: bool,
    /// Folder for the PDF (default: output/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write no PDF
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The file to write (semicolon-separated, UTF-8 with BOM, CRLF); never an existing one
    #[arg(long, value_name = "FILE")]
    pub excel: PathBuf,
    /// Replace FILE if it exists (never one of the workspace's own files)
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Ctx, c: Command) -> Result<i32> {
    let ws = ctx.workspace()?;
    let reg = Register::at(ws.consents_csv());
    match c {
        Command::Add(a) => add(&ws, &reg, a),
        Command::Withdraw(a) => withdraw(&ws, &reg, a),
        Command::Check(a) => check(&ws, &reg, a),
        Command::List(a) => list(&reg, a),
        Command::Import(a) => import(&ws, &reg, a),
        Command::Extract(a) => extract(&ws, &reg, a),
        Command::Verify(a) => verify(&reg, a),
        Command::Export(a) => export(&ws, &reg, a),
    }
}

/// The option a register field comes from.
fn option_name(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

fn problems_error(problems: &[Problem], name: &dyn Fn(&str) -> String) -> Error {
    let first = &problems[0];
    let mut msg = first.message.clone();
    for p in &problems[1..] {
        msg.push_str(&format!(
            "; {} {}: {}",
            t("och", "and"),
            name(p.field),
            p.message
        ));
    }
    Error::input(msg).field(&name(first.field))
}

fn add(ws: &Workspace, reg: &Register, a: Box<AddArgs>) -> Result<i32> {
    let a = *a;
    let input = Input {
        subject: a.subject,
        role: a.role,
        birth_year: a.birth_year,
        given_by: a.given_by,
        giver: a.giver,
        purpose: a.purpose,
        channel: a.channel,
        media: a.media,
        valid_from: a.valid_from,
        valid_until: a.valid_until,
        evidence: a.evidence,
        notice_version: a.notice_version,
        language: a.notice_language,
        collection_method: a.collection_method,
        withdrawal_method: a.withdrawal_method,
        explicit_art9: a.explicit_art9,
    };
    let channels = known_channels(&ws.accounts_csv())?;
    let valid = consents::validate(&input, &channels, crate::clock::today())
        .map_err(|p| problems_error(&p, &|f| option_name(f)))?;
    let out = a.out.unwrap_or_else(|| ws.output_dir());
    let (id, receipt, report) = register(ws, reg, &valid, &out)?;
    if a.json {
        print_json(&json!({ "consent_id": id, "receipt": receipt.display().to_string() }));
    } else {
        repaired(report.repaired_torn_bytes, reg);
        println!(
            "{}",
            t(
                &format!("Samtycke {id} registrerat. Kvitto: {}", receipt.display()),
                &format!("Consent {id} registered. Receipt: {}", receipt.display()),
            )
        );
    }
    Ok(0)
}

fn withdraw(ws: &Workspace, reg: &Register, a: WithdrawArgs) -> Result<i32> {
    let at = match &a.at {
        Some(s) => DateTime::parse_from_rfc3339(s.trim()).map_err(|_| {
            Error::input(t(
                &format!("'{s}' är ingen tidpunkt med tidszon (t.ex. 2026-11-20T10:00:00+01:00)"),
                &format!(
                    "'{s}' is not a date-time with an offset (e.g. 2026-11-20T10:00:00+01:00)"
                ),
            ))
            .field("--at")
        })?,
        None => crate::clock::now(),
    };
    if at > crate::clock::now() + chrono::Duration::days(366) {
        return Err(Error::input(t(
            &format!(
                "{} ligger i framtiden; en återkallelse registreras när den görs",
                at.to_rfc3339()
            ),
            &format!(
                "{} is in the future; a withdrawal is recorded when it is made",
                at.to_rfc3339()
            ),
        ))
        .field("--at"));
    }
    let via = a.via.unwrap_or_else(|| t("ej angivet", "not stated"));
    let c = reg.withdraw(&a.consent_id, at, a.by.as_deref(), &via)?;
    let mut takedown =
        publications::Register::at(ws.publications_csv()).relying_on(&c.consent_id)?;
    for p in &mut takedown {
        p.file = ws.resolve(&p.file).display().to_string();
    }
    let w = c.withdrawal.as_ref().expect("just withdrawn");
    if a.json {
        print_json(&json!({
            "consent_id": c.consent_id,
            "withdrawn_at": w.withdrawn_at,
            "withdrawn_by": w.withdrawn_by,
            "withdrawn_via": w.withdrawn_via,
            "subject": c.subject,
            // B9: each publication with its Art. 17(2) steps (an addition).
            "takedown": takedown.iter().map(|p| {
                let mut v = serde_json::to_value(p).expect("serialises");
                v["steps"] = json!(crate::assessment::photo::erasure_steps(&p.channel));
                v
            }).collect::<Vec<_>>(),
        }));
        return Ok(0);
    }
    println!(
        "{}",
        t(
            &format!(
                "Samtycke {} återkallat {} av {} ({}). Återkallelsen gäller från den tidpunkten (art. 7.3).",
                c.consent_id, w.withdrawn_at, w.withdrawn_by, w.withdrawn_via
            ),
            &format!(
                "Consent {} withdrawn at {} by {} ({}). The withdrawal takes effect from then (Art. 7(3)).",
                c.consent_id, w.withdrawn_at, w.withdrawn_by, w.withdrawn_via
            ),
        )
    );
    if takedown.is_empty() {
        println!(
            "{}",
            t(
                "Inga registrerade publiceringar byggde på samtycket.",
                "No recorded publication relied on the consent.",
            )
        );
    } else {
        println!(
            "{}",
            t(
                "Ta ner dessa publiceringar (art. 17.1 b); arkivexemplaret som allmän handling behålls (art. 17.3 b):",
                "Take these publications down (Art. 17(1)(b)); the archived copy kept as an official document stays (Art. 17(3)(b)):",
            )
        );
        for p in &takedown {
            println!(
                "  - {}  {}  {}  {}",
                p.publication_id, p.channel, p.published_on, p.file
            );
            for step in crate::assessment::photo::erasure_steps(&p.channel) {
                println!("      · {step}");
            }
        }
    }
    Ok(0)
}

fn parse_date(s: &str, option: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Error::input(t(
            &format!("'{s}' är inget datum (ÅÅÅÅ-MM-DD)"),
            &format!("'{s}' is not a date (YYYY-MM-DD)"),
        ))
        .field(option)
    })
}

fn one_of(v: &str, allowed: &[&str], option: &str) -> Result<()> {
    if allowed.contains(&v) {
        return Ok(());
    }
    Err(Error::input(t(
        &format!("'{v}' är inte tillåtet (tillåtna: {})", allowed.join(" | ")),
        &format!("'{v}' is not allowed (allowed: {})", allowed.join(" | ")),
    ))
    .field(option))
}

fn check(ws: &Workspace, reg: &Register, a: CheckArgs) -> Result<i32> {
    one_of(&a.purpose, PURPOSES, "--purpose")?;
    one_of(&a.media, MEDIA, "--media")?;
    let channels = known_channels(&ws.accounts_csv())?;
    if !channels.contains(&a.channel) {
        return Err(Error::input(t(
            &format!("kanalen '{}' finns inte i accounts.csv", a.channel),
            &format!("the channel '{}' is not in accounts.csv", a.channel),
        ))
        .field("--channel"));
    }
    let on = match &a.on {
        Some(s) => parse_date(s, "--on")?,
        None => crate::clock::today(),
    };
    let r = reg.check(&a.subject, &a.purpose, &a.channel, &a.media, on)?;
    if a.json {
        print_json(&serde_json::to_value(&r).expect("serialisable"));
    } else {
        println!(
            "{}: {}{}",
            r.subject,
            r.status.name(),
            if r.consent_ids.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.consent_ids.join(", "))
            }
        );
    }
    Ok(if r.status == consents::Status::Valid {
        0
    } else {
        1
    })
}

fn list(reg: &Register, a: ListArgs) -> Result<i32> {
    if let Some(s) = &a.status {
        one_of(s, &["active", "withdrawn", "expired"], "--status")?;
    }
    let today = crate::clock::today();
    let all = match &a.subject {
        Some(s) => reg.of_subject(s)?,
        None => reg.all()?,
    };
    let shown: Vec<&Consent> = all
        .iter()
        .filter(|c| a.status.as_deref().is_none_or(|s| c.state(today) == s))
        .collect();
    if a.json {
        print_json(&json!({
            "consents": shown.iter().map(|c| consent_json(c, today)).collect::<Vec<_>>()
        }));
    } else if a.csv {
        let mut w = csv::Writer::from_writer(std::io::stdout().lock());
        let header = table_header();
        w.write_record(&header).map_err(csv_io)?;
        for c in &shown {
            w.write_record(table_row(c, today)).map_err(csv_io)?;
        }
        w.flush().map_err(|e| Error::Usage(e.to_string()))?;
    } else {
        use crate::records::words::word;
        let words = |v: &[String]| v.iter().map(|x| word(x)).collect::<Vec<_>>().join(", ");
        for c in &shown {
            println!(
                "{}  {:<11}  {}  {} ({})  {}  {}  {}  {}–{}",
                c.consent_id,
                word(c.state(today)),
                c.subject,
                c.giver,
                word(&c.given_by),
                words(&c.purposes),
                c.channels.join(", "),
                words(&c.media),
                c.valid_from,
                c.valid_until
            );
        }
        if shown.is_empty() {
            println!("{}", t("Inga samtycken.", "No consents."));
        }
    }
    Ok(0)
}

fn csv_io(e: csv::Error) -> Error {
    Error::Usage(e.to_string())
}

fn table_header() -> Vec<&'static str> {
    vec![
        "consent_id",
        "state",
        "subject",
        "role",
        "birth_year",
        "given_by",
        "giver",
        "purpose",
        "channel",
        "media",
        "valid_from",
        "valid_until",
        "evidence",
        "notice_version",
        "language",
        "collection_method",
        "withdrawal_method",
        "given_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawn_via",
        "explicit_art9",
    ]
}

fn table_row(c: &Consent, today: NaiveDate) -> Vec<String> {
    let w = c.withdrawal.as_ref();
    vec![
        c.consent_id.clone(),
        c.state(today).into(),
        c.subject.clone(),
        c.role.clone(),
        c.birth_year.to_string(),
        c.given_by.clone(),
        c.giver.clone(),
        c.purposes.join(","),
        c.channels.join(","),
        c.media.join(","),
        c.valid_from.to_string(),
        c.valid_until.to_string(),
        c.evidence.clone(),
        c.notice_version.clone(),
        c.language.clone(),
        c.collection_method.clone(),
        c.withdrawal_method.clone(),
        c.given_at.clone(),
        w.map(|w| w.withdrawn_at.clone()).unwrap_or_default(),
        w.map(|w| w.withdrawn_by.clone()).unwrap_or_default(),
        w.map(|w| w.withdrawn_via.clone()).unwrap_or_default(),
        c.explicit_art9.clone(),
    ]
}

/// `consent import`: validates every row in a streaming pass (nothing held but the errors),
/// then, under the register's lock, appends the batch and its marker row in one journaled
/// write: whole or not at all, also under `kill -9`. The same file again is "already
/// imported" (the marker carries the file's SHA-256).
fn import(ws: &Workspace, reg: &Register, a: ImportArgs) -> Result<i32> {
    let path = &a.file;
    let channels = known_channels(&ws.accounts_csv())?;
    let today = crate::clock::today();
    let mut bad: Vec<(u64, Option<&'static str>, String)> = Vec::new();
    let mut bad_rows = 0usize;
    let mut count = 0usize;
    let mut withdrawn = 0usize;
    let (sha, header) = each_import_row(path, |r| {
        match r {
            ImportRow::Bad(line, m) => {
                bad_rows += 1;
                bad.push((line, None, m));
            }
            ImportRow::Withdrawn => withdrawn += 1,
            ImportRow::Row(line, input) => match consents::validate(&input, &channels, today) {
                Ok(_) => count += 1,
                Err(problems) => {
                    bad_rows += 1;
                    for p in problems {
                        if bad.len() < 1000 {
                            bad.push((line, Some(p.field), p.message));
                        }
                    }
                }
            },
        }
        Ok(())
    })?;
    if !bad.is_empty() {
        // Rows as Excel shows them: the header is row 1.
        let bad: Vec<String> = bad
            .iter()
            .map(|(line, field, m)| match field {
                Some(f) => format!(
                    "{} {line}, {} '{}': {m}",
                    t("rad", "row"),
                    t("kolumn", "column"),
                    header.name(f)
                ),
                None => format!("{} {line}: {m}", t("rad", "row")),
            })
            .collect();
        return Err(Error::input(t(
            &format!(
                "{bad_rows} rader har fel (rader räknade som i Excel, rubrikraden är rad 1); inget importerades:\n  {}",
                bad.join("\n  ")
            ),
            &format!(
                "{bad_rows} rows have errors (rows counted as Excel shows them, the header is row 1); nothing was imported:\n  {}",
                bad.join("\n  ")
            ),
        ))
        .in_file(path));
    }
    enum Outcome {
        Done(Vec<String>, usize, crate::ledger::AppendReport),
        Already(String, usize),
    }
    let keep_ids = a.json;
    let outcome = reg.ledger.write(|tx| {
        if let Some((at, line)) = reg.imported(tx, &sha)? {
            return Ok(Outcome::Already(at, line));
        }
        let now = crate::clock::now().to_rfc3339();
        let seed = consents::id_seed();
        let mut ids = Vec::new();
        // Second pass: the rows again, straight into the register (1 MiB writes). The file
        // is read in a thread and handed over in blocks, so memory stays constant.
        let (tx_rows, rx_rows) = std::sync::mpsc::sync_channel::<Result<Vec<Vec<String>>>>(4);
        let file = path.clone();
        let channels = channels.clone();
        let now_t = now.clone();
        let reader = std::thread::spawn(move || -> Result<String> {
            let mut block = Vec::with_capacity(4096);
            let mut n = 0usize;
            let sha = each_import_row(&file, |r| {
                let (line, input) = match r {
                    ImportRow::Row(line, input) => (line, input),
                    ImportRow::Withdrawn => return Ok(()),
                    ImportRow::Bad(..) => {
                        return Err(Error::input(t(
                            "filen ändrades under importen",
                            "the file changed during the import",
                        ))
                        .in_file(&file))
                    }
                };
                let v = consents::validate(&input, &channels, today).map_err(|_| {
                    Error::input(t(
                        "filen ändrades under importen",
                        "the file changed during the import",
                    ))
                    .in_file(&file)
                    .at_line(line as usize)
                })?;
                let id = consents::new_id(&seed, n, &v.subject);
                n += 1;
                block.push(consents::given_row(&v, &id, &now_t));
                if block.len() == 4096 {
                    let full = std::mem::replace(&mut block, Vec::with_capacity(4096));
                    if tx_rows.send(Ok(full)).is_err() {
                        return Err(Error::Usage("import cancelled".into()));
                    }
                }
                Ok(())
            });
            match sha.map(|(h, _)| h) {
                Ok(h) => {
                    let _ = tx_rows.send(Ok(block));
                    Ok(h)
                }
                Err(e) => {
                    let _ = tx_rows.send(Err(Error::Usage(e.to_string())));
                    Err(e)
                }
            }
        });
        let mut written = 0usize;
        let mut pending: std::vec::IntoIter<Vec<String>> = Vec::new().into_iter();
        let mut failed: Option<Error> = None;
        let rows = std::iter::from_fn(|| loop {
            if let Some(r) = pending.next() {
                written += 1;
                if keep_ids {
                    ids.push(r[0].clone());
                }
                return Some(Ok(r));
            }
            match rx_rows.recv() {
                Ok(Ok(block)) => pending = block.into_iter(),
                Ok(Err(e)) => {
                    failed = Some(Error::Usage(e.to_string()));
                    return Some(Err(Error::Usage(e.to_string())));
                }
                Err(_) => return None,
            }
        });
        let marker_now = now.clone();
        let sha_m = sha.clone();
        let mut marker_done = false;
        let count_expected = count;
        let with_marker = rows.chain(std::iter::from_fn(move || {
            if marker_done {
                return None;
            }
            marker_done = true;
            Some(Ok(consents::import_marker(
                &sha_m,
                count_expected,
                &marker_now,
            )))
        }));
        let report = tx.append_iter(with_marker);
        let second = reader
            .join()
            .map_err(|_| Error::Usage("import reader panicked".into()))?;
        let report = report?;
        match second {
            Ok(h) if h == sha => {}
            _ => {
                return Err(failed.unwrap_or_else(|| {
                    Error::input(t(
                        "filen ändrades under importen; inget importerades",
                        "the file changed during the import; nothing was imported",
                    ))
                    .in_file(path)
                }))
            }
        }
        let _ = written;
        Ok(Outcome::Done(ids, report.rows.saturating_sub(1), report))
    })?;
    match outcome {
        Outcome::Already(at, line) => {
            if a.json {
                print_json(
                    &json!({ "imported": 0, "already_imported": true, "imported_at": at, "line": line, "consent_ids": [] }),
                );
            } else {
                println!(
                    "{}",
                    t(
                        &format!(
                            "{} är redan importerad ({at}, {} rad {line}); inget ändrades.",
                            path.display(),
                            reg.path().display()
                        ),
                        &format!(
                            "{} was already imported ({at}, {} line {line}); nothing was changed.",
                            path.display(),
                            reg.path().display()
                        ),
                    )
                );
            }
        }
        Outcome::Done(ids, n, report) => {
            if a.json {
                let mut j = json!({ "imported": n, "consent_ids": ids });
                if withdrawn > 0 {
                    j["skipped_withdrawn"] = json!(withdrawn);
                }
                print_json(&j);
            } else {
                repaired(report.repaired_torn_bytes, reg);
                println!(
                    "{}",
                    t(
                        &format!(
                            "{} till {}.",
                            crate::records::labels::count(
                                n,
                                "samtycke importerat",
                                "samtycken importerade",
                                "",
                                ""
                            ),
                            reg.path().display()
                        ),
                        &format!(
                            "{} into {}.",
                            crate::records::labels::count(
                                n,
                                "",
                                "",
                                "consent imported",
                                "consents imported"
                            ),
                            reg.path().display()
                        ),
                    )
                );
                if withdrawn > 0 {
                    println!(
                        "{}",
                        t(
                            &format!(
                                "{} i filen importerades inte (de gäller inte).",
                                crate::records::labels::count(
                                    withdrawn,
                                    "återkallat samtycke",
                                    "återkallade samtycken",
                                    "",
                                    ""
                                )
                            ),
                            &format!(
                                "{} in the file were not imported (they are not in force).",
                                crate::records::labels::count(
                                    withdrawn,
                                    "",
                                    "",
                                    "withdrawn consent",
                                    "withdrawn consents"
                                )
                            ),
                        )
                    );
                }
            }
        }
    }
    Ok(0)
}

fn extract(ws: &Workspace, reg: &Register, a: ExtractArgs) -> Result<i32> {
    let today = crate::clock::today();
    let consents = reg.of_subject(&a.subject)?;
    let mut pubs = publications::Register::at(ws.publications_csv()).of_subject(&a.subject)?;
    for p in &mut pubs {
        p.file = ws.resolve(&p.file).display().to_string();
    }
    let result = json!({
        "kind": "consent_extract",
        "subject": a.subject,
        "extracted_at": crate::clock::now().to_rfc3339(),
        "consents": consents.iter().map(|c| consent_json(c, today)).collect::<Vec<_>>(),
        "publications": pubs,
    });
    let file = if a.dry_run {
        None
    } else {
        // Random, not derived from the subject: a file name must not give the person away.
        let stem = format!("extract-{}", crate::ledger::files::random_hex(6));
        let data = json!({
            "organisation": ws.config.organisation.name,
            "dpo": ws.config.dpo,
            "extract": result,
            "has_consents": !consents.is_empty(),
            "has_publications": pubs.iter().any(|p| p.decision != "not_allowed"),
            "published": pubs.iter().filter(|p| p.decision != "not_allowed").collect::<Vec<_>>(),
            "refusals": pubs.iter().filter(|p| p.decision == "not_allowed").collect::<Vec<_>>(),
            "recipients": extract_recipients(ws, &pubs),
            "labels": crate::records::labels::labels(),
        });
        Some(record::write(
            ws,
            &Record {
                template: "consent_extract",
                data,
                answers_toml: None,
                result: result.clone(),
                title: t(
                    "Registerutdrag: samtycken och publiceringar",
                    "Register extract: consents and publications",
                ),
                reason: t(
                    "Registerutdrag enligt artikel 15 GDPR",
                    "Register extract under GDPR Article 15",
                ),
                file_stem: stem,
            },
            &a.out.clone().unwrap_or_else(|| ws.output_dir()),
        )?)
    };
    if a.json {
        let mut r = result;
        r["file"] = json!(file.as_ref().map(|f| f.display().to_string()));
        print_json(&r);
        return Ok(0);
    }
    println!(
        "{}",
        t(
            &format!("Registerutdrag för {} (art. 15)", a.subject),
            &format!("Register extract for {} (Art. 15)", a.subject),
        )
    );
    println!("\n{}", t("Samtycken:", "Consents:"));
    if consents.is_empty() {
        println!("  {}", t("inga", "none"));
    }
    for c in &consents {
        println!(
            "  {}  {}  {} ({})  {}  {}  {}  {}–{}  {}",
            c.consent_id,
            c.state(today),
            c.giver,
            c.given_by,
            c.purposes.join(","),
            c.channels.join(","),
            c.media.join(","),
            c.valid_from,
            c.valid_until,
            c.evidence
        );
        if let Some(w) = &c.withdrawal {
            println!(
                "      {} {} {} ({})",
                t("återkallat", "withdrawn"),
                w.withdrawn_at,
                w.withdrawn_by,
                w.withdrawn_via
            );
        }
    }
    println!("\n{}", t("Publiceringar:", "Publications:"));
    if pubs.is_empty() {
        println!("  {}", t("inga", "none"));
    }
    for p in &pubs {
        println!(
            "  {}  {}  {}  {}  {}  {}",
            p.publication_id, p.channel, p.published_on, p.purpose, p.decision, p.file
        );
    }
    if let Some(f) = file {
        println!("\n{} {}", t("Signerad PDF:", "Signed PDF:"), f.display());
    }
    Ok(0)
}

fn verify(reg: &Register, a: VerifyArgs) -> Result<i32> {
    let r = match reg.ledger.verify() {
        Ok(r) => r,
        // A broken chain is a check that said no: with --json the script still gets its one
        // JSON object (and the line), the message goes to stderr, exit 1.
        Err(Error::CheckFailed(message)) if a.json => {
            let marker = format!(": {} ", t("rad", "line"));
            let line = message.find(&marker).and_then(|i| {
                let rest = &message[i + marker.len()..];
                let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                digits.parse::<u64>().ok()
            });
            eprintln!("dataskydd: {message}");
            print_json(&json!({
                "file": reg.path().display().to_string(),
                "valid": false,
                "line": line,
                "error": message,
            }));
            return Ok(1);
        }
        Err(e) => return Err(e),
    };
    if a.json {
        print_json(&json!({
            "file": reg.path().display().to_string(),
            "rows": r.rows,
            "torn_bytes": r.torn_bytes,
            "last_hash": r.last_hash,
            "checkpoints": r.checkpoints,
            "last_checkpoint_at": r.last_checkpoint_at,
            "valid": true,
        }));
    } else {
        println!(
            "{}",
            t(
                &format!(
                    "{}: {} rader, hashkedjan är obruten.",
                    reg.path().display(),
                    r.rows
                ),
                &format!(
                    "{}: {} rows, the hash chain is intact.",
                    reg.path().display(),
                    r.rows
                ),
            )
        );
        if r.torn_bytes > 0 {
            println!(
                "{}",
                t(
                    &format!(
                        "Obs: en ofullständig sista rad ({} byte) repareras vid nästa skrivning.",
                        r.torn_bytes
                    ),
                    &format!(
                        "Note: an incomplete last line ({} bytes) is repaired on the next write.",
                        r.torn_bytes
                    ),
                )
            );
        }
    }
    Ok(0)
}

/// A date-time as Swedish Excel reads it as a date: `2026-12-01 08:00` (Swedish time).
fn excel_time(s: &str) -> String {
    match DateTime::parse_from_rfc3339(s) {
        Ok(d) => d
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => s.to_string(),
    }
}

/// The export's Swedish header: the first Swedish name of each column ([`crate::excel`]
/// reads them back).
fn excel_header() -> Vec<&'static str> {
    table_header()
        .into_iter()
        .map(|c| {
            crate::excel::CONSENT_COLUMNS
                .iter()
                .find(|(k, _)| *k == c)
                .and_then(|(_, names)| names.first().copied())
                .unwrap_or(c)
        })
        .collect()
}

/// One consent as the export writes it: Swedish words for the codes, dates Excel reads as
/// dates, formulas guarded.
fn excel_row(c: &Consent, today: NaiveDate) -> Vec<String> {
    use crate::excel::{self, word};
    let words = |v: &[String], table| {
        v.iter()
            .map(|x| word(x, table))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut row = table_row(c, today);
    row[1] = word(c.state(today), excel::STATE_WORDS).to_string();
    row[3] = word(&c.role, excel::ROLE_WORDS).to_string();
    row[5] = word(&c.given_by, excel::GIVEN_BY_WORDS).to_string();
    row[7] = words(&c.purposes, excel::PURPOSE_WORDS);
    row[9] = words(&c.media, excel::MEDIA_WORDS);
    row[14] = word(&c.language, excel::LANGUAGE_WORDS).to_string();
    row[15] = word(&c.collection_method, excel::METHOD_WORDS).to_string();
    row[17] = excel_time(&row[17]);
    row[18] = excel_time(&row[18]);
    row.iter().map(|s| excel::guard(s)).collect()
}

fn export(ws: &Workspace, reg: &Register, a: ExportArgs) -> Result<i32> {
    crate::workspace::check_export_target(ws, &a.excel, a.force)?;
    let today = crate::clock::today();
    let all = reg.all()?;
    let mut buf: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        w.write_record(excel_header()).map_err(csv_io)?;
        for c in &all {
            w.write_record(excel_row(c, today)).map_err(csv_io)?;
        }
        w.flush().map_err(|e| Error::io(&a.excel, e))?;
    }
    if a.force {
        crate::workspace::write_atomic(&a.excel, &buf)?;
    } else {
        crate::workspace::write_new_atomic(&a.excel, &buf)?;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{}",
        t(
            &format!(
                "{} samtycken exporterade till {}.",
                all.len(),
                a.excel.display()
            ),
            &format!("{} consents exported to {}.", all.len(), a.excel.display()),
        )
    );
    Ok(0)
}

/// Who receives the person's pictures (Art. 15(1)(c)): the platform of every channel a
/// picture was allowed on, and the tools registered in that account's saved assessment; a
/// recipient outside the EU/EEA is a third-country transfer (Art. 15(2)).
fn extract_recipients(
    ws: &Workspace,
    pubs: &[publications::Publication],
) -> Vec<serde_json::Value> {
    const EEA: &[&str] = &[
        "SE", "DK", "FI", "NO", "IS", "LI", "DE", "FR", "NL", "BE", "LU", "IE", "AT", "IT", "ES",
        "PT", "GR", "PL", "CZ", "SK", "HU", "SI", "HR", "RO", "BG", "EE", "LV", "LT", "MT", "CY",
    ];
    let country = crate::i18n::country_name;
    let mut channels: Vec<&str> = pubs
        .iter()
        .filter(|p| p.decision != "not_allowed")
        .map(|p| p.channel.as_str())
        .collect();
    channels.sort();
    channels.dedup();
    let accounts = crate::registers::accounts::read_all(&ws.accounts_csv()).unwrap_or_default();
    let mut out = Vec::new();
    for ch in channels {
        let Some(acc) = accounts.iter().find(|a| a.id == ch) else {
            continue;
        };
        let platform = crate::assessment::platforms::get(&acc.platform);
        let third =
            !platform.parent_country.is_empty() && !EEA.contains(&platform.parent_country.as_str());
        out.push(json!({
            "channel": ch,
            "name": format!("{} ({})", platform.name, platform.parent),
            "role": t("plattform, gemensamt personuppgiftsansvarig för statistik", "platform, joint controller for statistics"),
            "country": country(&platform.parent_country),
            "transfer": if third { t("ja – tredjeland", "yes – third country") } else { t("nej", "no") },
        }));
        let saved = ws.answers_dir("assess").join(format!("{ch}.toml"));
        let tools = std::fs::read_to_string(&saved)
            .ok()
            .and_then(|s| toml::from_str::<toml::Value>(&s).ok())
            .and_then(|v| v.get("tools").and_then(|t| t.as_array()).cloned())
            .unwrap_or_default();
        for tool in tools {
            let name = tool
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let c = tool
                .get("country")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            out.push(json!({
                "channel": ch,
                "name": name,
                "role": t("verktyg (personuppgiftsbiträde eller tjänst)", "tool (processor or service)"),
                "country": country(c),
                "transfer": if !c.is_empty() && !EEA.contains(&c) { t("ja – tredjeland", "yes – third country") } else { t("nej", "no") },
            }));
        }
    }
    out
}
