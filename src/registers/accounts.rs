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

/// The account `id` as registered: through the sidecar `accounts.csv.index` (by id;
/// rebuilt by one verified pass when missing, stale or not matching the chain's head, see
/// [`crate::registers::index`]), else one verified pass. `assess ID` looks its account up
/// twice; at 300 accounts the two whole reads were 2.5 % of its CPU.
pub fn find(path: &Path, id: &str) -> Result<Account> {
    let found = if path.exists() {
        indexed(path, id)?
    } else {
        None
    };
    found.ok_or_else(|| {
        Error::input(t(
            &format!("kontot '{id}' finns inte i {}; lägg till det med `dataskydd account add {id} --platform … --owner …`", path.display()),
            &format!("the account '{id}' is not in {}; add it with `dataskydd account add {id} --platform … --owner …`", path.display()),
        ))
        .field("account")
    })
}

/// The first row of `id`, through the index when it can be used.
fn indexed(path: &Path, id: &str) -> Result<Option<Account>> {
    let l = ledger(path);
    let key = [crate::registers::index::key(b'i', id.as_bytes())];
    let q = crate::registers::index::Query {
        all: &key,
        last: &[],
        held: false,
        tail_limit: crate::registers::index::balanced_tail,
    };
    let mut found = None;
    if crate::registers::index::lookup_or_build(&l, &[(b'i', 0)], &q, |_, f| {
        if found.is_none() && f.get(0) == id.as_bytes() {
            found = Some(Account::from_fields(&f.strings(COLUMNS.len())));
        }
        Ok(())
    })? {
        return Ok(found);
    }
    Ok(read_all(path)?.into_iter().find(|a| a.id == id))
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

/// One row of an import file: an account to add, or what is wrong with it.
enum Parsed {
    Account(usize, Account),
    Problem(String),
}

/// An account import file, streamed (one record in memory at a time). What Swedish Excel
/// saves: `;` or `,`, BOM or not, UTF-8 or Windows-1252, Swedish column names (see
/// `crate::excel`).
struct AccountFile<'a> {
    file: &'a Path,
    rdr: csv::Reader<crate::excel::Hashing<std::fs::File>>,
    enc: crate::excel::Encoding,
    raw: Vec<String>,
    header: Vec<String>,
    rec: csv::ByteRecord,
    /// Rows as Excel counts them (a quoted line break stays in its row).
    extra_lines: usize,
    done: bool,
    /// The time an account without `added_at` is recorded as added.
    added_at: &'a str,
}

impl<'a> AccountFile<'a> {
    /// Opens the file and checks its header.
    fn open(file: &'a Path, added_at: &'a str) -> Result<AccountFile<'a>> {
        let enc = crate::excel::detect(file)?;
        let delimiter = crate::excel::sniff_file(file)?;
        let f = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
        let mut rdr = crate::excel::csv_reader(f, delimiter);
        let mut rec = csv::ByteRecord::new();
        let header_line: Vec<String> = match rdr.read_byte_record(&mut rec) {
            Ok(true) => rec.iter().map(|f| crate::excel::decode(f, enc)).collect(),
            Ok(false) => Vec::new(),
            Err(e) => {
                return Err(Error::input(e.to_string()).in_file(file).at_line(1));
            }
        };
        let raw: Vec<String> = header_line
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        // The chain columns of a copied register are read past (the rows get this
        // register's chain).
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
        // register (with its `added_at`, and its chain columns, which are not imported:
        // the rows get this register's chain) imports as it is and keeps its dates.
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
        let extra_lines = header_line
            .iter()
            .map(|f| f.matches('\n').count())
            .sum::<usize>();
        Ok(AccountFile {
            file,
            rdr,
            enc,
            raw,
            header,
            rec,
            extra_lines,
            done: false,
            added_at,
        })
    }

    /// A message names the column as the file's header does.
    fn shown(&self, c: &str) -> String {
        self.header
            .iter()
            .position(|h| h == c)
            .map(|i| self.raw[i].clone())
            .unwrap_or_else(|| c.to_string())
    }

    /// The next row that is not blank; `None` at the end (or after a row that is not CSV).
    fn next_row(&mut self) -> Option<Parsed> {
        let file = self.file;
        loop {
            if self.done {
                return None;
            }
            let fields: Vec<String> = match self.rdr.read_byte_record(&mut self.rec) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {
                    let r: Vec<String> = self
                        .rec
                        .iter()
                        .map(|f| crate::excel::decode(f, self.enc))
                        .collect();
                    let n = self.rec.position().map(|p| p.line() as usize).unwrap_or(0)
                        - self.extra_lines;
                    self.extra_lines += r.iter().map(|f| f.matches('\n').count()).sum::<usize>();
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
                    self.done = true;
                    let n = e.position().map(|p| p.line() as usize).unwrap_or(0) - self.extra_lines;
                    return Some(Parsed::Problem(
                        Error::input(e.to_string())
                            .in_file(file)
                            .at_line(n)
                            .to_string(),
                    ));
                }
            };
            return Some(self.account(fields));
        }
    }

    /// Checks one row (its line number first, then its fields).
    fn account(&self, fields: Vec<String>) -> Parsed {
        let file = self.file;
        let header = &self.header;
        let n: usize = fields[0].parse().unwrap_or(0);
        let fields = &fields[1..];
        if fields.len() != header.len() {
            return Parsed::Problem(
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
            return Parsed::Problem(
                Error::input(t(
                    &format!("'{added}' är ingen tidpunkt med tidszon (t.ex. 2026-11-20T10:00:00+01:00)"),
                    &format!("'{added}' is not a date-time with an offset (e.g. 2026-11-20T10:00:00+01:00)"),
                ))
                .in_file(file)
                .at_line(n)
                .field(&self.shown("added_at"))
                .to_string(),
            );
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
                self.added_at.to_string()
            } else {
                added
            },
        };
        if !admins.is_empty() && a.admins.is_none() {
            return Parsed::Problem(
                Error::input(t(
                    &format!("'{admins}' är inget heltal"),
                    &format!("'{admins}' is not a whole number"),
                ))
                .in_file(file)
                .at_line(n)
                .field(&self.shown("admins"))
                .to_string(),
            );
        }
        if let Err(e) = validate(&a) {
            return Parsed::Problem(
                renamed(e, &|c| self.shown(c))
                    .in_file(file)
                    .at_line(n)
                    .to_string(),
            );
        }
        Parsed::Account(n, a)
    }

    /// The SHA-256 of the file's bytes (the rest read too: the csv reader may stop before
    /// the end).
    fn finish(self) -> Result<[u8; 32]> {
        self.rdr
            .into_inner()
            .finish()
            .map_err(|e| Error::io(self.file, e))
    }
}

/// Imports a CSV file all-or-nothing: every bad row is reported before anything is written.
///
/// The file is streamed, never held: a first pass checks every row (keeping only the ids,
/// to find one that is there twice or already in the register), then under the register's
/// lock a second pass appends the rows in one durable step (journal, rows, fsync,
/// checkpoint; cut back if anything fails). The second pass must read the same bytes (its
/// SHA-256 is compared), so a file changed in between imports nothing.
pub fn import(path: &Path, file: &Path, added_at: &str) -> Result<Imported> {
    let mut rows = AccountFile::open(file, added_at)?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut count = 0usize;
    let mut problems = Vec::new();
    while let Some(p) = rows.next_row() {
        match p {
            Parsed::Problem(m) => problems.push(m),
            Parsed::Account(n, a) => {
                if seen.contains(&a.id) {
                    problems.push(
                        Error::input(t(
                            &format!("kontot '{}' står två gånger i filen", a.id),
                            &format!("the account '{}' is in the file twice", a.id),
                        ))
                        .in_file(file)
                        .at_line(n)
                        .field(&rows.shown("id"))
                        .to_string(),
                    );
                    continue;
                }
                seen.insert(a.id);
                count += 1;
            }
        }
    }
    let digest = rows.finish()?;
    let changed = || {
        Error::input(t(
            "filen ändrades medan den importerades; inget importerades",
            "the file changed while it was imported; nothing was imported",
        ))
        .in_file(file)
    };
    // Under the register's lock: the ids taken, then the one all-or-nothing append.
    let imported = ledger(path).write(|tx| {
        // The register's accounts that the file names too (the only ones kept).
        let mut existing: std::collections::HashMap<String, Account> = Default::default();
        tx.for_each_fields(|_, f| {
            if seen.contains(f.str(0)) {
                let a = Account::from_fields(&f.strings(COLUMNS.len()));
                existing.insert(a.id.clone(), a);
            }
            Ok(())
        })?;
        drop(std::mem::take(&mut seen));
        let same = |a: &Account, b: &Account| {
            a.platform == b.platform && a.owner == b.owner && a.name == b.name && a.url == b.url
        };
        let mut problems = std::mem::take(&mut problems);
        if !existing.is_empty() {
            let mut all_same = existing.len() == count;
            let mut taken = Vec::new();
            let mut again = AccountFile::open(file, added_at)?;
            while let Some(p) = again.next_row() {
                let Parsed::Account(n, a) = p else { continue };
                match existing.get(&a.id) {
                    Some(e) => {
                        all_same &= same(&a, e);
                        taken.push(
                            Error::input(t(
                                &format!("kontot '{}' finns redan", a.id),
                                &format!("the account '{}' already exists", a.id),
                            ))
                            .in_file(file)
                            .at_line(n)
                            .field(&again.shown("id"))
                            .to_string(),
                        );
                    }
                    None => all_same = false,
                }
            }
            if again.finish()? != digest {
                return Err(changed());
            }
            if count > 0 && problems.is_empty() && all_same {
                return Ok(Imported::Already(count));
            }
            problems.extend(taken);
        }
        if !problems.is_empty() {
            return Err(import_errors(&problems));
        }
        let mut again = Some(AccountFile::open(file, added_at)?);
        let mut written = 0usize;
        let rows = std::iter::from_fn(|| {
            let f = again.as_mut()?;
            match f.next_row() {
                Some(Parsed::Account(_, a)) => {
                    written += 1;
                    Some(Ok(a.to_row()))
                }
                Some(Parsed::Problem(_)) => {
                    again = None;
                    Some(Err(changed()))
                }
                None => {
                    let f = again.take()?;
                    match f.finish() {
                        Ok(d) if d == digest && written == count => None,
                        Ok(_) => Some(Err(changed())),
                        Err(e) => Some(Err(e)),
                    }
                }
            }
        });
        let r = tx.append_iter(rows)?;
        Ok(Imported::Added(r.rows))
    })?;
    if let Imported::Added(_) = imported {
        // The rows are durable: a failed refresh must not report the import as failed
        // (a retry would find every account there). Any later look-up rebuilds the index.
        let _ = refresh_index(path);
    }
    Ok(imported)
}

/// Brings `accounts.csv.index` up to date, rebuilding it if a look-up would. An import
/// appends more rows than a look-up reads past the index, so without this the first
/// `assess` after `account import` paid the rebuild: 14.9 M of its 57.2 M instructions in
/// a 1,000-account workspace (callgrind, 7 December 2026).
pub fn refresh_index(path: &Path) -> Result<()> {
    // No account has the empty id: the look-up finds nothing and only checks the index.
    indexed(path, "").map(|_| ())
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
