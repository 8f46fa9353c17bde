//! `dataskydd consent …`: the consent register (GDPR art. 7, 15, 17).

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate};
use serde_json::json;

use super::{print_json, Ctx};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::record::{self, Record};
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
        after_help = "Exempel / example:\n  dataskydd consent import samtycken-ht2026.csv\n\nThe header: subject,role,birth_year,given_by,giver,purpose,channel,media,valid_from,valid_until,evidence\n(optional: notice_version,language,collection_method,withdrawal_method); several values in a field\nare comma-separated and quoted: \"inform_activity,event\"."
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
    /// Export for Excel (semicolon-separated, UTF-8 with BOM)
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
    /// The file to write (semicolon-separated, UTF-8 with BOM, CRLF)
    #[arg(long, value_name = "FILE")]
    pub excel: PathBuf,
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
        Command::Export(a) => export(&reg, a),
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
    };
    let channels = known_channels(&ws.accounts_csv())?;
    let valid = consents::validate(&input, &channels, crate::clock::today())
        .map_err(|p| problems_error(&p, &|f| option_name(f)))?;
    let given_at = crate::clock::now().to_rfc3339();
    let (ids, report) = reg.add_at(std::slice::from_ref(&valid), &given_at)?;
    let id = ids[0].clone();
    let consent = valid.to_consent(&id, &given_at);
    let out = a.out.unwrap_or_else(|| ws.output_dir());
    let receipt = write_receipt(ws, &consent, &out)?;
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

fn repaired(bytes: usize, reg: &Register) {
    if bytes > 0 {
        eprintln!(
            "{}",
            t(
                &format!(
                    "Obs: en ofullständig sista rad ({bytes} byte, ett avbrott mitt i en skrivning) flyttades till {} innan raden skrevs; inga tidigare rader ändrades.",
                    crate::ledger::torn_path(reg.path()).display()
                ),
                &format!(
                    "Note: an incomplete last line ({bytes} bytes, a crash mid-write) was moved to {} before writing; no earlier row was changed.",
                    crate::ledger::torn_path(reg.path()).display()
                ),
            )
        );
    }
}

fn consent_json(c: &Consent, today: NaiveDate) -> serde_json::Value {
    let mut v = serde_json::to_value(c).expect("serialisable");
    v["state"] = json!(c.state(today));
    v
}

fn write_receipt(ws: &Workspace, c: &Consent, out: &std::path::Path) -> Result<PathBuf> {
    let data = json!({
        "organisation": ws.config.organisation.name,
        "consent": c,
        "purposes": c.purposes.join(", "),
        "channels": c.channels.join(", "),
        "media": c.media.join(", "),
        "labels": crate::records::labels::labels(),
    });
    record::write(
        ws,
        &Record {
            template: "consent_receipt",
            data,
            answers_toml: None,
            result: serde_json::to_value(c).expect("serialisable"),
            title: t("Kvitto på samtycke", "Consent receipt"),
            reason: t("Kvitto på lämnat samtycke", "Receipt for a consent given"),
            file_stem: format!("consent-{}", c.consent_id),
        },
        out,
    )
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
            "takedown": takedown,
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
        for c in &shown {
            println!(
                "{}  {:<9}  {}  {} ({})  {}  {}  {}  {}–{}",
                c.consent_id,
                c.state(today),
                c.subject,
                c.giver,
                c.given_by,
                c.purposes.join(","),
                c.channels.join(","),
                c.media.join(","),
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
    ]
}

const IMPORT_REQUIRED: &[&str] = &[
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
];
const IMPORT_OPTIONAL: &[&str] = &[
    "notice_version",
    "language",
    "collection_method",
    "withdrawal_method",
];

fn import(ws: &Workspace, reg: &Register, a: ImportArgs) -> Result<i32> {
    let path = &a.file;
    let file = std::fs::File::open(path).at(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let mut rec = csv::StringRecord::new();
    let header_err = |m: String| Error::input(m).in_file(path).at_line(1);
    if !rdr
        .read_record(&mut rec)
        .map_err(|e| header_err(e.to_string()))?
    {
        return Err(header_err(t("filen är tom", "the file is empty")));
    }
    let header: Vec<String> = rec
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = h.trim();
            if i == 0 {
                h.trim_start_matches('\u{feff}').to_string()
            } else {
                h.to_string()
            }
        })
        .collect();
    for h in &header {
        if !IMPORT_REQUIRED.contains(&h.as_str()) && !IMPORT_OPTIONAL.contains(&h.as_str()) {
            let mut allowed = IMPORT_REQUIRED.to_vec();
            allowed.extend(IMPORT_OPTIONAL);
            return Err(header_err(t(
                &format!("okänd kolumn '{h}' (tillåtna: {})", allowed.join(", ")),
                &format!("unknown column '{h}' (allowed: {})", allowed.join(", ")),
            ))
            .field(h));
        }
    }
    let missing: Vec<&str> = IMPORT_REQUIRED
        .iter()
        .copied()
        .filter(|r| !header.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        return Err(header_err(t(
            &format!("kolumner saknas: {}", missing.join(", ")),
            &format!("missing columns: {}", missing.join(", ")),
        ))
        .field(missing[0]));
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let cols: Vec<Option<usize>> = IMPORT_REQUIRED
        .iter()
        .chain(IMPORT_OPTIONAL)
        .map(|n| col(n))
        .collect();
    let channels = known_channels(&ws.accounts_csv())?;
    let today = crate::clock::today();
    let mut valid = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    let mut bad_rows = 0usize;
    loop {
        let more = match rdr.read_record(&mut rec) {
            Ok(m) => m,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                bad.push(format!("{} {line}: {e}", t("rad", "line")));
                bad_rows += 1;
                break;
            }
        };
        if !more {
            break;
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() == 1 && rec.get(0) == Some("") {
            continue;
        }
        let get = |i: usize| -> String {
            cols[i]
                .and_then(|c| rec.get(c))
                .unwrap_or_default()
                .to_string()
        };
        let input = Input {
            subject: get(0),
            role: get(1),
            birth_year: get(2),
            given_by: get(3),
            giver: get(4),
            purpose: get(5),
            channel: get(6),
            media: get(7),
            valid_from: get(8),
            valid_until: get(9),
            evidence: get(10),
            notice_version: get(11),
            language: get(12),
            collection_method: get(13),
            withdrawal_method: get(14),
        };
        match consents::validate(&input, &channels, today) {
            Ok(v) => valid.push(v),
            Err(problems) => {
                bad_rows += 1;
                for p in problems {
                    if bad.len() < 1000 {
                        bad.push(format!(
                            "{} {line}, {} '{}': {}",
                            t("rad", "line"),
                            t("kolumn", "column"),
                            p.field,
                            p.message
                        ));
                    }
                }
            }
        }
    }
    if !bad.is_empty() {
        return Err(Error::input(t(
            &format!(
                "{bad_rows} rader har fel; inget importerades:\n  {}",
                bad.join("\n  ")
            ),
            &format!(
                "{bad_rows} rows have errors; nothing was imported:\n  {}",
                bad.join("\n  ")
            ),
        ))
        .in_file(path));
    }
    let (ids, report) = reg.add(&valid)?;
    if a.json {
        print_json(&json!({ "imported": ids.len(), "consent_ids": ids }));
    } else {
        repaired(report.repaired_torn_bytes, reg);
        println!(
            "{}",
            t(
                &format!(
                    "{} samtycken importerade till {}.",
                    ids.len(),
                    reg.path().display()
                ),
                &format!(
                    "{} consents imported into {}.",
                    ids.len(),
                    reg.path().display()
                ),
            )
        );
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
        let data = json!({
            "organisation": ws.config.organisation.name,
            "dpo": ws.config.dpo,
            "extract": result,
            "has_consents": !consents.is_empty(),
            "has_publications": !pubs.is_empty(),
            "labels": crate::records::labels::labels(),
        });
        // Named by time and sequence, never by the person (a hash of the subject would be
        // recoverable from the name).
        Some(record::write_dated(
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
                file_stem: "registerutdrag".into(),
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

/// Keeps Excel from reading a cell as a formula.
fn excel_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn export(reg: &Register, a: ExportArgs) -> Result<i32> {
    let today = crate::clock::today();
    let all = reg.all()?;
    let mut buf: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        w.write_record(table_header()).map_err(csv_io)?;
        for c in &all {
            w.write_record(table_row(c, today).iter().map(|s| excel_cell(s)))
                .map_err(csv_io)?;
        }
        w.flush().map_err(|e| Error::io(&a.excel, e))?;
    }
    crate::workspace::write_atomic(&a.excel, &buf)?;
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
