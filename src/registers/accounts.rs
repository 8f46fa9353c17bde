//! The account register `accounts.csv`: every social media account, who owns it, who
//! is responsible. A hash-chained, checkpointed [`Ledger`] like the others; an old
//! `accounts.csv` without `prev_hash,hash` is read as it is and gets its chain on the first
//! write (the old file is kept beside it).

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::ledger::Ledger;

pub const COLUMNS: &[&str] = &[
    "id",
    "platform",
    "owner",
    "name",
    "url",
    "responsible",
    "admins",
    "purpose",
    "added_at",
];

pub const PLATFORMS: &[&str] = &[
    "facebook_page",
    "instagram",
    "linkedin_page",
    "x",
    "youtube",
    "tiktok",
    "snapchat",
    "blog",
    "other",
];

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub platform: String,
    pub owner: String,
    pub name: String,
    pub url: String,
    pub responsible: String,
    pub admins: Option<u32>,
    pub purpose: String,
    pub added_at: String,
}

impl Account {
    fn to_row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.platform.clone(),
            self.owner.clone(),
            self.name.clone(),
            self.url.clone(),
            self.responsible.clone(),
            self.admins.map(|n| n.to_string()).unwrap_or_default(),
            self.purpose.clone(),
            self.added_at.clone(),
        ]
    }

    fn from_fields(f: &[String]) -> Account {
        Account {
            id: f[0].clone(),
            platform: f[1].clone(),
            owner: f[2].clone(),
            name: f[3].clone(),
            url: f[4].clone(),
            responsible: f[5].clone(),
            admins: f[6].parse().ok(),
            purpose: f[7].clone(),
            added_at: f[8].clone(),
        }
    }
}

pub fn ledger(path: &Path) -> Ledger {
    Ledger::new(path, COLUMNS, true).upgradable()
}

/// Checks an account id: a short slug, used in file names, never personal data.
pub fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::input(t(
            &format!("'{id}' är inget giltigt konto-id: använd 1–64 tecken a–z, 0–9 och - (t.ex. nykoping-fb)"),
            &format!("'{id}' is not a valid account id: use 1–64 characters a–z, 0–9 and - (e.g. nykoping-fb)"),
        ))
        .field("id"))
    }
}

pub fn check_platform(p: &str) -> Result<()> {
    if PLATFORMS.contains(&p) {
        Ok(())
    } else {
        Err(Error::input(t(
            &format!(
                "okänd plattform '{p}' (tillåtna: {})",
                PLATFORMS.join(" | ")
            ),
            &format!(
                "unknown platform '{p}' (allowed: {})",
                PLATFORMS.join(" | ")
            ),
        ))
        .field("platform"))
    }
}

fn check_owner(o: &str) -> Result<()> {
    if o.trim().is_empty() {
        return Err(Error::input(t(
            "ägaren (nämnd eller bolag) får inte vara tom",
            "the owner (committee or company) may not be empty",
        ))
        .field("owner"));
    }
    Ok(())
}

pub fn read_all(path: &Path) -> Result<Vec<Account>> {
    Ok(ledger(path)
        .read()?
        .into_iter()
        .map(|r| Account::from_fields(&r.fields))
        .collect())
}

pub fn find(path: &Path, id: &str) -> Result<Account> {
    read_all(path)?.into_iter().find(|a| a.id == id).ok_or_else(|| {
        Error::input(t(
            &format!("kontot '{id}' finns inte i {}; lägg till det med `dataskydd account add {id} --platform … --owner …`", path.display()),
            &format!("the account '{id}' is not in {}; add it with `dataskydd account add {id} --platform … --owner …`", path.display()),
        ))
        .field("account")
    })
}

fn validate(a: &Account) -> Result<()> {
    check_id(&a.id)?;
    check_platform(&a.platform)?;
    check_owner(&a.owner)?;
    for (name, v) in [
        ("name", &a.name),
        ("url", &a.url),
        ("responsible", &a.responsible),
        ("purpose", &a.purpose),
    ] {
        crate::ledger::check_field(v).map_err(|e| e.field(name))?;
    }
    Ok(())
}

/// Adds one account; refuses a duplicate id. The look-up and the append happen under one
/// lock, so two simultaneous `account add` of one id write one row.
pub fn add(path: &Path, account: &Account) -> Result<()> {
    validate(account)?;
    ledger(path).write(|tx| {
        let mut exists = false;
        tx.for_each_fields(|_, f| {
            exists |= f.get(0) == account.id.as_bytes();
            Ok(())
        })?;
        if exists {
            return Err(Error::input(t(
                &format!("kontot '{}' finns redan", account.id),
                &format!("the account '{}' already exists", account.id),
            ))
            .field("id"));
        }
        tx.append(&[account.to_row()])?;
        Ok(())
    })
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// This many accounts were added.
    Added(usize),
    /// Every account in the file is already in the register, as it is there: nothing to do.
    Already(usize),
}

/// Imports a CSV file all-or-nothing: every bad row is reported before anything is written.
pub fn import(path: &Path, file: &Path, added_at: &str) -> Result<Imported> {
    // What Swedish Excel saves: `;` or `,`, BOM or not, UTF-8 or Windows-1252, Swedish
    // column names (see `crate::excel`).
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let text = crate::excel::decode_all(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(crate::excel::sniff_delimiter(text.as_bytes()))
        // Rows end at `\n`, a `\r` before it is cut from the last field: with CRLF rows the
        // csv reader would number each row one line early (Excel writes CRLF).
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header_line = match records.next() {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            return Err(Error::input(e.to_string()).in_file(file).at_line(1));
        }
        None => csv::StringRecord::new(),
    };
    let raw: Vec<String> = header_line
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    // The chain columns of a copied register are read past (the rows get this register's
    // chain).
    let header: Vec<String> = raw
        .iter()
        .map(|h| {
            crate::excel::column(h, crate::excel::ACCOUNT_COLUMNS)
                .map(str::to_string)
                .unwrap_or_else(|| h.clone())
        })
        .collect();
    for required in ["id", "platform", "owner"] {
        if !header.iter().any(|h| h == required) {
            return Err(Error::input(t(
                &format!("rubrikraden saknar kolumnen '{required}' (krävs: id, platform, owner; eller konto, plattform, ägare)"),
                &format!(
                    "the header row lacks the column '{required}' (required: id, platform, owner)"
                ),
            ))
            .in_file(file)
            .at_line(1));
        }
    }
    // The contract: "same columns as accounts.csv", so a copy of another workspace's
    // register (with its `added_at`, and its chain columns, which are not imported: the
    // rows get this register's chain) imports as it is and keeps its dates.
    if let Some(bad) = header.iter().find(|h| {
        !COLUMNS.contains(&h.as_str())
            && h.as_str() != crate::ledger::PREV_HASH
            && h.as_str() != crate::ledger::HASH
    }) {
        return Err(Error::input(t(
            &format!("okänd kolumn '{bad}' (tillåtna: {})", COLUMNS.join(", ")),
            &format!("unknown column '{bad}' (allowed: {})", COLUMNS.join(", ")),
        ))
        .in_file(file)
        .at_line(1));
    }
    // A message names the column as the file's header does.
    let shown = |c: &str| -> String {
        header
            .iter()
            .position(|h| h == c)
            .map(|i| raw[i].clone())
            .unwrap_or_else(|| c.to_string())
    };
    let mut seen = HashSet::new();
    let mut accounts = Vec::new();
    let mut problems = Vec::new();
    // Rows as Excel counts them (a quoted line break stays in its row).
    let mut extra_lines = header_line
        .iter()
        .map(|f| f.matches('\n').count())
        .sum::<usize>();
    for rec in records {
        let fields: Vec<String> = match rec {
            Ok(r) => {
                let n = r.position().map(|p| p.line() as usize).unwrap_or(0) - extra_lines;
                extra_lines += r.iter().map(|f| f.matches('\n').count()).sum::<usize>();
                if r.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let last = r.len().saturating_sub(1);
                std::iter::once(n.to_string())
                    .chain(r.iter().enumerate().map(|(i, f)| {
                        let f = if i == last {
                            f.strip_suffix('\r').unwrap_or(f)
                        } else {
                            f
                        };
                        crate::excel::unguard(f).to_string()
                    }))
                    .collect()
            }
            Err(e) => {
                let n = e.position().map(|p| p.line() as usize).unwrap_or(0) - extra_lines;
                problems.push(
                    Error::input(e.to_string())
                        .in_file(file)
                        .at_line(n)
                        .to_string(),
                );
                break;
            }
        };
        let n: usize = fields[0].parse().unwrap_or(0);
        let fields = &fields[1..];
        if fields.len() != header.len() {
            problems.push(
                Error::input(t(
                    &format!(
                        "raden har {} fält, rubrikraden {}",
                        fields.len(),
                        header.len()
                    ),
                    &format!(
                        "the row has {} fields, the header {}",
                        fields.len(),
                        header.len()
                    ),
                ))
                .in_file(file)
                .at_line(n)
                .to_string(),
            );
            continue;
        }
        let get = |c: &str| {
            header
                .iter()
                .position(|h| h == c)
                .map(|i| fields[i].trim().to_string())
                .unwrap_or_default()
        };
        let admins = get("admins");
        let added = get("added_at");
        if !added.is_empty() && chrono::DateTime::parse_from_rfc3339(&added).is_err() {
            problems.push(
                Error::input(t(
                    &format!("'{added}' är ingen tidpunkt med tidszon (t.ex. 2026-11-20T10:00:00+01:00)"),
                    &format!("'{added}' is not a date-time with an offset (e.g. 2026-11-20T10:00:00+01:00)"),
                ))
                .in_file(file)
                .at_line(n)
                .field(&shown("added_at"))
                .to_string(),
            );
            continue;
        }
        let a = Account {
            id: get("id"),
            platform: crate::excel::code(&get("platform"), crate::excel::PLATFORM_WORDS),
            owner: get("owner"),
            name: get("name"),
            url: get("url"),
            responsible: get("responsible"),
            admins: if admins.is_empty() {
                None
            } else {
                admins.parse().ok()
            },
            purpose: get("purpose"),
            added_at: if added.is_empty() {
                added_at.to_string()
            } else {
                added
            },
        };
        if !admins.is_empty() && a.admins.is_none() {
            problems.push(
                Error::input(t(
                    &format!("'{admins}' är inget heltal"),
                    &format!("'{admins}' is not a whole number"),
                ))
                .in_file(file)
                .at_line(n)
                .field(&shown("admins"))
                .to_string(),
            );
            continue;
        }
        if let Err(e) = validate(&a) {
            problems.push(renamed(e, &shown).in_file(file).at_line(n).to_string());
            continue;
        }
        if !seen.insert(a.id.clone()) {
            problems.push(
                Error::input(t(
                    &format!("kontot '{}' står två gånger i filen", a.id),
                    &format!("the account '{}' is in the file twice", a.id),
                ))
                .in_file(file)
                .at_line(n)
                .field(&shown("id"))
                .to_string(),
            );
            continue;
        }
        accounts.push((n, a));
    }
    // Under the register's lock: the ids taken, then the one all-or-nothing append.
    ledger(path).write(|tx| {
        let mut existing: std::collections::HashMap<String, Account> = Default::default();
        tx.for_each_fields(|_, f| {
            let a = Account::from_fields(&f.strings(COLUMNS.len()));
            existing.insert(a.id.clone(), a);
            Ok(())
        })?;
        let same = |a: &Account, b: &Account| {
            a.platform == b.platform && a.owner == b.owner && a.name == b.name && a.url == b.url
        };
        if !accounts.is_empty()
            && problems.is_empty()
            && accounts
                .iter()
                .all(|(_, a)| existing.get(&a.id).is_some_and(|e| same(a, e)))
        {
            return Ok(Imported::Already(accounts.len()));
        }
        let mut problems = problems;
        for (n, a) in &accounts {
            if existing.contains_key(&a.id) {
                problems.push(
                    Error::input(t(
                        &format!("kontot '{}' finns redan", a.id),
                        &format!("the account '{}' already exists", a.id),
                    ))
                    .in_file(file)
                    .at_line(*n)
                    .field(&shown("id"))
                    .to_string(),
                );
            }
        }
        if !problems.is_empty() {
            return Err(import_errors(&problems));
        }
        let rows: Vec<Vec<String>> = accounts.iter().map(|(_, a)| a.to_row()).collect();
        tx.append(&rows)?;
        Ok(Imported::Added(rows.len()))
    })
}

/// An error with its field named as the import file's header names it.
fn renamed(e: Error, shown: &dyn Fn(&str) -> String) -> Error {
    match e {
        Error::Input {
            file,
            line,
            field: Some(f),
            message,
        } => Error::Input {
            file,
            line,
            field: Some(shown(&f)),
            message,
        },
        other => other,
    }
}

fn import_errors(problems: &[String]) -> Error {
    Error::Input {
        file: None,
        line: None,
        field: None,
        message: format!(
            "{}\n  {}",
            t(
                &format!("{} fel; inget importerades:", problems.len()),
                &format!("{} errors; nothing was imported:", problems.len()),
            ),
            problems.join("\n  ")
        ),
    }
}
