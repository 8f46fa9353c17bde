//! The consent register (`consents.csv`): who agreed to what, on which channels, for which
//! media, how long — and its withdrawal. Append-only and hash-chained ([`Ledger`]): a
//! withdrawal is a new row (`event = withdrawn`), never an edit (GDPR art. 7(1), 7(3)).
//!
//! The columns carry the parts of ISO/IEC TS 27560 (consent record information structure)
//! that apply: the notice or form version shown, its language, how the consent was
//! collected, how it can be withdrawn, its validity, and the state history (given,
//! withdrawn; "expired" follows from `valid_until`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::ledger::{AppendReport, Fields, Ledger, Tx};
use crate::registers::index;

pub const COLUMNS: &[&str] = &[
    "consent_id",
    "event",
    "event_at",
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
    "withdrawn_by",
    "withdrawn_via",
    "recorded_at",
    // Rules 2026.12 (B5): the sensitive context the person explicitly consented to
    // (Art. 9(2)(a)); empty when none. Registers from before it are read with it empty and
    // get the column on their first write (`Ledger::adds_columns`).
    "explicit_art9",
];
/// The columns before `explicit_art9` was added.
const COLUMNS_2026_11: usize = 21;
const C_EXPLICIT_ART9: usize = 21;
const C_ID: usize = 0;
const C_EVENT: usize = 1;
const C_SUBJECT: usize = 3;
const C_EVIDENCE: usize = 13;

pub const ROLES: &[&str] = &["pupil", "child", "staff", "official", "public"];
pub const PURPOSES: &[&str] = &[
    "inform_activity",
    "event",
    "marketing",
    "recruitment",
    "documentation",
];
pub const MEDIA: &[&str] = &["photo", "video", "name", "voice"];
pub const GIVEN_BY: &[&str] = &["subject", "guardian"];
pub const COLLECTION_METHODS: &[&str] = &["signed_form", "e_signature", "email", "other"];

pub const GIVEN: &str = "given";
pub const WITHDRAWN: &str = "withdrawn";
/// The marker row of an import batch: `evidence` = `sha256:` + the file's hash,
/// `notice_version` = the number of consents in the batch.
pub const IMPORTED: &str = "imported";

/// A consent as entered (`consent add` options, or one row of an import file).
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub subject: String,
    pub role: String,
    pub birth_year: String,
    pub given_by: String,
    pub giver: String,
    pub purpose: String,
    pub channel: String,
    pub media: String,
    pub valid_from: String,
    pub valid_until: String,
    pub evidence: String,
    pub notice_version: String,
    pub language: String,
    pub collection_method: String,
    pub withdrawal_method: String,
    /// B5: the sensitive context (Art. 9) this consent was explicitly given for; empty when
    /// it is an ordinary consent.
    pub explicit_art9: String,
}

/// A consent as held in the register, with its withdrawal if any.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Consent {
    pub consent_id: String,
    pub subject: String,
    pub role: String,
    pub birth_year: i32,
    pub given_by: String,
    pub giver: String,
    pub purposes: Vec<String>,
    pub channels: Vec<String>,
    pub media: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub evidence: String,
    pub notice_version: String,
    pub language: String,
    pub collection_method: String,
    pub withdrawal_method: String,
    /// B5: the sensitive context explicitly consented to (empty: an ordinary consent).
    pub explicit_art9: String,
    pub given_at: String,
    pub line: usize,
    pub withdrawal: Option<Withdrawal>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Withdrawal {
    pub withdrawn_at: String,
    pub withdrawn_by: String,
    pub withdrawn_via: String,
    pub recorded_at: String,
    pub line: usize,
}

/// A consent's status for one use (purpose, channel, medium) on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    Missing,
    Withdrawn,
    Expired,
    NotYetValid,
    OutOfScope,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Missing => "missing",
            Status::Withdrawn => "withdrawn",
            Status::Expired => "expired",
            Status::NotYetValid => "not_yet_valid",
            Status::OutOfScope => "out_of_scope",
        }
    }

    /// Which status explains best why no consent is valid (higher wins).
    pub fn weight(self) -> u8 {
        match self {
            Status::Valid => 9,
            Status::Withdrawn => 5,
            Status::Expired => 4,
            Status::NotYetValid => 3,
            Status::OutOfScope => 2,
            Status::Missing => 1,
        }
    }
}

impl Consent {
    /// The status of this consent for a use on a date (Art. 7(3): a withdrawal takes effect
    /// from its time, so it counts from the day it was made).
    pub fn status(&self, purpose: &str, channel: &str, media: &str, on: NaiveDate) -> Status {
        if !self.covers(purpose, channel, media) {
            return Status::OutOfScope;
        }
        if let Some(w) = &self.withdrawal {
            let day = DateTime::parse_from_rfc3339(&w.withdrawn_at)
                .map(|d| d.date_naive())
                .unwrap_or(NaiveDate::MIN);
            if day <= on {
                return Status::Withdrawn;
            }
        }
        if on > self.valid_until {
            Status::Expired
        } else if on < self.valid_from {
            Status::NotYetValid
        } else {
            Status::Valid
        }
    }

    pub fn covers(&self, purpose: &str, channel: &str, media: &str) -> bool {
        self.purposes.iter().any(|p| p == purpose)
            && self.channels.iter().any(|c| c == channel)
            && self.media.iter().any(|m| m == media)
    }

    /// The state today, for listings: active | withdrawn | expired.
    pub fn state(&self, today: NaiveDate) -> &'static str {
        if self.withdrawal.is_some() {
            WITHDRAWN
        } else if today > self.valid_until {
            "expired"
        } else {
            "active"
        }
    }
}

/// The answer of `consent check`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    pub subject: String,
    pub status: Status,
    pub consent_ids: Vec<String>,
}

/// The overall status of a subject's consents for one use: valid if any is; otherwise the
/// status that explains best why not (withdrawn > expired > not_yet_valid > out_of_scope, with
/// the ids of the consents that have that status, so a script can show which ones), or
/// missing when there are none.
pub fn combine<'a>(
    consents: impl IntoIterator<Item = &'a Consent>,
    purpose: &str,
    channel: &str,
    media: &str,
    on: NaiveDate,
) -> (Status, Vec<String>) {
    let mut best = Status::Missing;
    let mut ids: Vec<String> = Vec::new();
    for c in consents {
        let s = c.status(purpose, channel, media, on);
        if s.weight() > best.weight() {
            best = s;
            ids.clear();
        }
        if s == best {
            ids.push(c.consent_id.clone());
        }
    }
    (best, ids)
}

pub struct Register {
    pub ledger: Ledger,
}

impl Register {
    pub fn at(path: impl Into<PathBuf>) -> Register {
        Register {
            ledger: Ledger::new(path, COLUMNS, true)
                .unnumbered()
                .adds_columns(&COLUMNS[..COLUMNS_2026_11]),
        }
    }

    pub fn path(&self) -> &Path {
        &self.ledger.path
    }

    /// Appends new consents (one write, one fsync); returns their ids in order. Costs the
    /// same on a register of ten rows as on one of millions (no scan).
    pub fn add(&self, consents: &[Valid]) -> Result<(Vec<String>, AppendReport)> {
        let now = crate::clock::now().to_rfc3339();
        self.add_at(consents, &now)
    }

    /// [`Register::add`] with the recording time given.
    pub fn add_at(&self, consents: &[Valid], now: &str) -> Result<(Vec<String>, AppendReport)> {
        let ids = new_ids(consents);
        let report = self.add_with_ids(consents, &ids, now)?;
        Ok((ids, report))
    }

    /// Appends consents with ids chosen beforehand (so a receipt can be made first).
    pub fn add_with_ids(
        &self,
        consents: &[Valid],
        ids: &[String],
        now: &str,
    ) -> Result<AppendReport> {
        let rows: Vec<Vec<String>> = consents
            .iter()
            .zip(ids)
            .map(|(c, id)| given_row(c, id, now))
            .collect();
        self.ledger.append(&rows)
    }

    /// Records a withdrawal as a new row. Unknown or already withdrawn ids are input errors.
    /// The look-up and the append happen under one lock: sixteen simultaneous withdrawals
    /// of one consent write one row, and fifteen are told it was already withdrawn.
    pub fn withdraw(
        &self,
        id: &str,
        at: DateTime<FixedOffset>,
        by: Option<&str>,
        via: &str,
    ) -> Result<Consent> {
        self.ledger.write(|tx| {
            let id_b = id.as_bytes();
            let mut b = Builder::default();
            let path = self.path().to_path_buf();
            let keep = |r: &Fields| r.get(C_ID) == id_b;
            // Through the index when it is usable (the lock is ours: none is taken again);
            // else one verified pass, as before. At 1M rows: 935 ms for the pass.
            let key = [index::key(b'i', id_b)];
            let hit = index::lookup_held(&self.ledger, &key, true, |line, f| {
                b.push(line, f, &keep, &path)
            })?;
            if hit.is_none() {
                b = Builder::default();
                tx.for_each_fields(|line, f| b.push(line, f, &keep, &path))?;
            }
            let Some(mut consent) = b.finish().pop() else {
                return Err(unknown_id(id));
            };
            if let Some(w) = &consent.withdrawal {
                return Err(Error::input(t(
                    &format!(
                        "samtycket {id} återkallades redan {} (rad {})",
                        w.withdrawn_at, w.line
                    ),
                    &format!(
                        "consent {id} was already withdrawn at {} (line {})",
                        w.withdrawn_at, w.line
                    ),
                ))
                .field("CONSENT_ID"));
            }
            let by = by.unwrap_or(&consent.giver).to_string();
            check_input(&[("--by", &by), ("--via", via)])?;
            let now = crate::clock::now().to_rfc3339();
            let mut row = vec![String::new(); COLUMNS.len()];
            row[C_ID] = id.to_string();
            row[C_EVENT] = WITHDRAWN.to_string();
            row[2] = at.to_rfc3339();
            row[C_SUBJECT] = consent.subject.clone();
            row[18] = by.clone();
            row[19] = via.to_string();
            row[20] = now.clone();
            tx.append(&[row])?;
            consent.withdrawal = Some(Withdrawal {
                withdrawn_at: at.to_rfc3339(),
                withdrawn_by: by,
                withdrawn_via: via.to_string(),
                recorded_at: now,
                line: 0,
            });
            Ok(consent)
        })
    }

    pub fn find(&self, id: &str) -> Result<Option<Consent>> {
        let id_b = id.as_bytes();
        let mut found = self.indexed(&[index::key(b'i', id_b)], |r| r.get(C_ID) == id_b)?;
        Ok(found.pop())
    }

    /// Every consent of one subject.
    pub fn of_subject(&self, subject: &str) -> Result<Vec<Consent>> {
        let s = subject.as_bytes();
        self.indexed(&[index::key(b's', s)], |r| r.get(C_SUBJECT) == s)
    }

    /// Every consent of several subjects, by subject.
    pub fn of_subjects(&self, subjects: &[&str]) -> Result<HashMap<String, Vec<Consent>>> {
        let set: HashSet<&[u8]> = subjects.iter().map(|s| s.as_bytes()).collect();
        let keys: Vec<u64> = subjects
            .iter()
            .map(|s| index::key(b's', s.as_bytes()))
            .collect();
        let mut out: HashMap<String, Vec<Consent>> = HashMap::new();
        for c in self.indexed(&keys, |r| set.contains(r.get(C_SUBJECT)))? {
            out.entry(c.subject.clone()).or_default().push(c);
        }
        Ok(out)
    }

    pub fn all(&self) -> Result<Vec<Consent>> {
        self.scan(|_| true)
    }

    /// Checks one subject's consents for one use on one date.
    pub fn check(
        &self,
        subject: &str,
        purpose: &str,
        channel: &str,
        media: &str,
        on: NaiveDate,
    ) -> Result<Check> {
        let consents = self.of_subject(subject)?;
        let (status, consent_ids) = combine(&consents, purpose, channel, media, on);
        Ok(Check {
            subject: subject.to_string(),
            status,
            consent_ids,
        })
    }

    /// The rows with these index keys, through `consents.csv.index` (rebuilt by a
    /// verified pass when missing, stale or not matching the chain's head; see
    /// [`index`]); `keep` filters them (keys are hashes).
    fn indexed(&self, keys: &[u64], keep: impl Fn(&Fields) -> bool) -> Result<Vec<Consent>> {
        let path = self.path().to_path_buf();
        if !path.exists() {
            return Ok(Vec::new());
        }
        let mut b = Builder::default();
        let q = index::Query {
            all: keys,
            last: &[],
            held: false,
            tail_limit: |_| index::TAIL_LIMIT,
        };
        let cols = [(b's', C_SUBJECT), (b'i', C_ID)];
        if index::lookup_or_build(&self.ledger, &cols, &q, |line, f| {
            b.push(line, f, &keep, &path)
        })? {
            return Ok(b.finish());
        }
        self.scan(keep)
    }

    /// Streams the register (verified up to its last signed checkpoint: a broken register
    /// is refused, never decided on) and builds the consents whose rows `keep` selects;
    /// withdrawals are joined to them.
    pub fn scan(&self, keep: impl Fn(&Fields) -> bool) -> Result<Vec<Consent>> {
        let mut b = Builder::default();
        let path = self.path().to_path_buf();
        self.ledger
            .for_each_fields(|line, f| b.push(line, f, &keep, &path))?;
        Ok(b.finish())
    }

    /// The import batches recorded in the register (`event = imported`), by the SHA-256 of
    /// the file imported: the same file twice is "already imported".
    pub fn imported(&self, tx: &mut Tx, sha: &str) -> Result<Option<(String, usize)>> {
        let want = format!("sha256:{sha}");
        let mut found = None;
        tx.for_each_fields(|line, f| {
            if f.get(C_EVENT) == IMPORTED.as_bytes() && f.get(C_EVIDENCE) == want.as_bytes() {
                found = Some((f.str(2).to_string(), line));
            }
            Ok(())
        })?;
        Ok(found)
    }
}

/// The row of an import batch's marker (appended with the batch, under its journal).
pub fn import_marker(sha: &str, rows: usize, now: &str) -> Vec<String> {
    let mut row = vec![String::new(); COLUMNS.len()];
    row[C_ID] = format!("import-{}", &sha[..16.min(sha.len())]);
    row[C_EVENT] = IMPORTED.to_string();
    row[2] = now.to_string();
    row[C_EVIDENCE] = format!("sha256:{sha}");
    row[14] = rows.to_string();
    row[20] = now.to_string();
    row
}

/// New ids for a batch of consents.
pub fn new_ids(consents: &[Valid]) -> Vec<String> {
    let seed = id_seed();
    consents
        .iter()
        .enumerate()
        .map(|(i, c)| new_id(&seed, i, &c.subject))
        .collect()
}

/// The register row of a given consent.
pub fn given_row(c: &Valid, id: &str, now: &str) -> Vec<String> {
    vec![
        id.to_string(),
        GIVEN.to_string(),
        now.to_string(),
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
        String::new(),
        String::new(),
        now.to_string(),
        c.explicit_art9.clone(),
    ]
}

/// Options checked at input against the register's limits (length, line breaks).
fn check_input(fields: &[(&str, &str)]) -> Result<()> {
    for (name, v) in fields {
        crate::ledger::check_field(v).map_err(|e| e.field(name))?;
    }
    Ok(())
}

/// Builds consents from register rows: given rows, withdrawals joined to them.
#[derive(Default)]
struct Builder {
    given: Vec<Consent>,
    index: HashMap<String, usize>,
    withdrawals: Vec<(String, Withdrawal)>,
}

impl Builder {
    fn push(
        &mut self,
        line: usize,
        rec: &Fields,
        keep: &dyn Fn(&Fields) -> bool,
        path: &Path,
    ) -> Result<()> {
        if !keep(rec) {
            return Ok(());
        }
        let f = |i: usize| rec.str(i).to_string();
        match rec.get(C_EVENT) {
            b"given" => {
                let c = parse_given(rec, line).map_err(|e| e.in_file(path).at_line(line))?;
                self.index.insert(c.consent_id.clone(), self.given.len());
                self.given.push(c);
            }
            b"withdrawn" => self.withdrawals.push((
                f(C_ID),
                Withdrawal {
                    withdrawn_at: f(2),
                    withdrawn_by: f(18),
                    withdrawn_via: f(19),
                    recorded_at: f(20),
                    line,
                },
            )),
            b"imported" => {}
            other => {
                return Err(Error::input(format!(
                    "event '{}' (given | withdrawn | imported)",
                    String::from_utf8_lossy(other)
                ))
                .in_file(path)
                .at_line(line)
                .field("event"))
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Vec<Consent> {
        for (id, w) in std::mem::take(&mut self.withdrawals) {
            if let Some(&i) = self.index.get(&id) {
                if self.given[i].withdrawal.is_none() {
                    self.given[i].withdrawal = Some(w);
                }
            }
        }
        self.given
    }
}

fn parse_given(rec: &Fields, line: usize) -> Result<Consent> {
    let s = |i: usize| -> Result<String> {
        std::str::from_utf8(rec.get(i))
            .map(|s| s.to_string())
            .map_err(|_| Error::input(t("inte UTF-8", "not UTF-8")).field(COLUMNS[i]))
    };
    let list = |i: usize| -> Result<Vec<String>> {
        Ok(s(i)?
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect())
    };
    let date = |i: usize| -> Result<NaiveDate> {
        let v = s(i)?;
        NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| {
            Error::input(t(
                &format!("'{v}' är inget datum"),
                &format!("'{v}' is not a date"),
            ))
            .field(COLUMNS[i])
        })
    };
    Ok(Consent {
        consent_id: s(0)?,
        given_at: s(2)?,
        subject: s(3)?,
        role: s(4)?,
        birth_year: s(5)?
            .parse()
            .map_err(|_| Error::input(t("inget årtal", "not a year")).field("birth_year"))?,
        given_by: s(6)?,
        giver: s(7)?,
        purposes: list(8)?,
        channels: list(9)?,
        media: list(10)?,
        valid_from: date(11)?,
        valid_until: date(12)?,
        evidence: s(13)?,
        notice_version: s(14)?,
        language: s(15)?,
        collection_method: s(16)?,
        withdrawal_method: s(17)?,
        explicit_art9: s(C_EXPLICIT_ART9)?,
        line,
        withdrawal: None,
    })
}

pub fn unknown_id(id: &str) -> Error {
    Error::input(t(
        &format!("det finns inget samtycke med id '{id}' i consents.csv"),
        &format!("there is no consent with id '{id}' in consents.csv"),
    ))
    .field("CONSENT_ID")
}

/// Per-process seed for consent ids: the real clock and the process id, so that two
/// processes adding at the same instant (or under a fixed `DATASKYDD_NOW`) never collide.
pub fn id_seed() -> Vec<u8> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut seed = Vec::new();
    seed.extend_from_slice(&nanos.to_le_bytes());
    seed.extend_from_slice(&std::process::id().to_le_bytes());
    seed
}

/// `c-` + 16 hex digits of a hash of the content, the time, the process and a counter:
/// not personal data, and unique.
pub fn new_id(seed: &[u8], counter: usize, content: &str) -> String {
    let mut buf = Vec::with_capacity(seed.len() + content.len() + 8);
    buf.extend_from_slice(seed);
    buf.extend_from_slice(&(counter as u64).to_le_bytes());
    buf.extend_from_slice(content.as_bytes());
    let h = ring::digest::digest(&ring::digest::SHA256, &buf);
    format!("c-{}", &crate::ledger::hex(&h.as_ref()[..8]))
}

/// A validated consent, ready to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    pub subject: String,
    pub role: String,
    pub birth_year: i32,
    pub given_by: String,
    pub giver: String,
    pub purposes: Vec<String>,
    pub channels: Vec<String>,
    pub media: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub evidence: String,
    pub notice_version: String,
    pub language: String,
    pub collection_method: String,
    pub withdrawal_method: String,
    pub explicit_art9: String,
}

impl Valid {
    /// The consent as the register holds it once appended with this id at this time.
    pub fn to_consent(&self, consent_id: &str, given_at: &str) -> Consent {
        Consent {
            consent_id: consent_id.to_string(),
            subject: self.subject.clone(),
            role: self.role.clone(),
            birth_year: self.birth_year,
            given_by: self.given_by.clone(),
            giver: self.giver.clone(),
            purposes: self.purposes.clone(),
            channels: self.channels.clone(),
            media: self.media.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            evidence: self.evidence.clone(),
            notice_version: self.notice_version.clone(),
            language: self.language.clone(),
            collection_method: self.collection_method.clone(),
            withdrawal_method: self.withdrawal_method.clone(),
            explicit_art9: self.explicit_art9.clone(),
            given_at: given_at.to_string(),
            line: 0,
            withdrawal: None,
        }
    }
}

/// One problem with one field of an input consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// Validates an input consent against the value lists and the account register's channels.
/// Returns every problem, not just the first.
pub fn validate(
    input: &Input,
    channels: &HashSet<String>,
    today: NaiveDate,
) -> std::result::Result<Valid, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut bad = |field: &'static str, message: String| problems.push(Problem { field, message });
    let need = |v: &str| !v.trim().is_empty();
    let text = |v: &str| v.trim().to_string();
    for (field, v) in [
        ("subject", &input.subject),
        ("giver", &input.giver),
        ("evidence", &input.evidence),
    ] {
        if !need(v) {
            bad(field, t("värdet saknas", "the value is missing"));
        } else if let Err(e) = crate::ledger::check_field(v) {
            bad(field, e.to_string());
        }
    }
    let one_of = |v: &str, allowed: &[&str]| allowed.contains(&v.trim());
    if !one_of(&input.role, ROLES) {
        bad("role", not_allowed(&input.role, ROLES));
    }
    if !one_of(&input.given_by, GIVEN_BY) {
        bad("given_by", not_allowed(&input.given_by, GIVEN_BY));
    }
    let birth_year = match input.birth_year.trim().parse::<i32>() {
        Ok(y) if y > today.year() => {
            bad(
                "birth_year",
                t(
                    &format!("födelseåret {y} ligger i framtiden"),
                    &format!("the birth year {y} is in the future"),
                ),
            );
            0
        }
        Ok(y) if y < 1900 => {
            bad(
                "birth_year",
                t(
                    &format!("födelseåret {y} är orimligt"),
                    &format!("the birth year {y} is not plausible"),
                ),
            );
            0
        }
        Ok(y) => y,
        Err(_) => {
            bad(
                "birth_year",
                t(
                    &format!("'{}' är inget årtal (ÅÅÅÅ)", input.birth_year),
                    &format!("'{}' is not a year (YYYY)", input.birth_year),
                ),
            );
            0
        }
    };
    let mut list = |field: &'static str, v: &str, allowed: Option<&[&str]>| -> Vec<String> {
        let items: Vec<String> = v
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect();
        if items.is_empty() {
            bad(field, t("värdet saknas", "the value is missing"));
        }
        for it in &items {
            match allowed {
                Some(a) if !a.contains(&it.as_str()) => bad(field, not_allowed(it, a)),
                None if !channels.contains(it) => bad(
                    field,
                    t(
                        &format!(
                            "kanalen '{it}' finns inte i accounts.csv (lägg till den med `dataskydd account add`)"
                        ),
                        &format!(
                            "the channel '{it}' is not in accounts.csv (add it with `dataskydd account add`)"
                        ),
                    ),
                ),
                _ => {}
            }
        }
        items
    };
    let purposes = list("purpose", &input.purpose, Some(PURPOSES));
    let chans = list("channel", &input.channel, None);
    let media = list("media", &input.media, Some(MEDIA));
    let mut date = |field: &'static str, v: &str| -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                bad(
                    field,
                    t(
                        &format!("'{v}' är inget datum (ÅÅÅÅ-MM-DD)"),
                        &format!("'{v}' is not a date (YYYY-MM-DD)"),
                    ),
                );
                None
            }
        }
    };
    let from = date("valid_from", &input.valid_from);
    let until = date("valid_until", &input.valid_until);
    if let (Some(f), Some(u)) = (from, until) {
        if u < f {
            bad(
                "valid_until",
                t(
                    &format!("giltig till ({u}) ligger före giltig från ({f})"),
                    &format!("valid until ({u}) is before valid from ({f})"),
                ),
            );
        }
    }
    let method = if input.collection_method.trim().is_empty() {
        "signed_form".to_string()
    } else {
        text(&input.collection_method)
    };
    if !COLLECTION_METHODS.contains(&method.as_str()) {
        bad(
            "collection_method",
            not_allowed(&method, COLLECTION_METHODS),
        );
    }
    let language = if input.language.trim().is_empty() {
        "sv".to_string()
    } else {
        text(&input.language)
    };
    if !["sv", "en"].contains(&language.as_str()) && language.len() > 8 {
        bad("language", not_allowed(&language, &["sv", "en"]));
    }
    for (field, v) in [
        ("notice_version", &input.notice_version),
        ("withdrawal_method", &input.withdrawal_method),
        ("explicit_art9", &input.explicit_art9),
    ] {
        if let Err(e) = crate::ledger::check_field(v) {
            bad(field, e.to_string());
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Valid {
        subject: text(&input.subject),
        role: text(&input.role),
        birth_year,
        given_by: text(&input.given_by),
        giver: text(&input.giver),
        purposes,
        channels: chans,
        media,
        valid_from: from.expect("checked"),
        valid_until: until.expect("checked"),
        evidence: text(&input.evidence),
        notice_version: if input.notice_version.trim().is_empty() {
            "1".into()
        } else {
            text(&input.notice_version)
        },
        language,
        collection_method: method,
        withdrawal_method: if input.withdrawal_method.trim().is_empty() {
            t(
                "Kontakta skolan eller nämnden muntligen, skriftligen eller med e-post; återkallelsen gäller från den tidpunkten",
                "Contact the school or the committee orally, in writing or by e-mail; the withdrawal takes effect from then",
            )
        } else {
            text(&input.withdrawal_method)
        },
        explicit_art9: text(&input.explicit_art9),
    })
}

fn not_allowed(v: &str, allowed: &[&str]) -> String {
    t(
        &format!("'{v}' är inte tillåtet (tillåtna: {})", allowed.join(" | ")),
        &format!("'{v}' is not allowed (allowed: {})", allowed.join(" | ")),
    )
}

/// The account ids in `accounts.csv` (the channels a consent may name), read verified.
pub fn known_channels(accounts_csv: &Path) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    crate::registers::accounts::ledger(accounts_csv).for_each_fields(|_, f| {
        out.insert(f.str(0).to_string());
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn consent() -> Consent {
        Consent {
            consent_id: "c-1".into(),
            subject: "elev-1".into(),
            role: "pupil".into(),
            birth_year: 2015,
            given_by: "guardian".into(),
            giver: "Vårdnadshavare".into(),
            purposes: vec!["inform_activity".into()],
            channels: vec!["skola-ig".into()],
            media: vec!["photo".into()],
            valid_from: d("2026-08-01"),
            valid_until: d("2027-06-30"),
            evidence: "Dnr 1".into(),
            notice_version: "1".into(),
            language: "sv".into(),
            collection_method: "signed_form".into(),
            withdrawal_method: "x".into(),
            explicit_art9: String::new(),
            given_at: "2026-08-01T10:00:00+02:00".into(),
            line: 2,
            withdrawal: None,
        }
    }

    fn st(c: &Consent, on: &str) -> Status {
        c.status("inform_activity", "skola-ig", "photo", d(on))
    }

    #[test]
    fn every_status() {
        let c = consent();
        assert_eq!(st(&c, "2026-11-20"), Status::Valid);
        assert_eq!(st(&c, "2027-07-01"), Status::Expired);
        assert_eq!(st(&c, "2026-07-31"), Status::NotYetValid);
        assert_eq!(
            c.status("marketing", "skola-ig", "photo", d("2026-11-20")),
            Status::OutOfScope
        );
        assert_eq!(
            c.status("inform_activity", "other", "photo", d("2026-11-20")),
            Status::OutOfScope
        );
        assert_eq!(
            c.status("inform_activity", "skola-ig", "video", d("2026-11-20")),
            Status::OutOfScope
        );
        let mut w = c.clone();
        w.withdrawal = Some(Withdrawal {
            withdrawn_at: "2026-11-20T09:00:00+01:00".into(),
            withdrawn_by: "x".into(),
            withdrawn_via: "e-post".into(),
            recorded_at: "".into(),
            line: 3,
        });
        assert_eq!(st(&w, "2026-11-19"), Status::Valid, "not retroactive");
        assert_eq!(st(&w, "2026-11-20"), Status::Withdrawn);
        let (s, ids) = combine(&[], "inform_activity", "skola-ig", "photo", d("2026-11-20"));
        assert_eq!((s, ids.len()), (Status::Missing, 0));
        let (s, ids) = combine(
            [&w, &c],
            "inform_activity",
            "skola-ig",
            "photo",
            d("2026-11-21"),
        );
        assert_eq!((s, ids), (Status::Valid, vec!["c-1".to_string()]));
    }

    fn input() -> Input {
        Input {
            subject: "elev-1".into(),
            role: "pupil".into(),
            birth_year: "2015".into(),
            given_by: "guardian".into(),
            giver: "A".into(),
            purpose: "inform_activity,event".into(),
            channel: "skola-ig".into(),
            media: "photo".into(),
            valid_from: "2026-08-01".into(),
            valid_until: "2027-06-30".into(),
            evidence: "Dnr 1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn validation_names_each_field() {
        let ch: HashSet<String> = ["skola-ig".to_string()].into();
        let today = d("2026-11-20");
        let ok = validate(&input(), &ch, today).unwrap();
        assert_eq!(ok.purposes, vec!["inform_activity", "event"]);
        let mut i = input();
        i.channel = "nope".into();
        i.birth_year = "2030".into();
        i.valid_until = "2026-01-01".into();
        i.role = "teacher".into();
        i.media = "photo,smell".into();
        i.purpose = "fun".into();
        let fields: Vec<&str> = validate(&i, &ch, today)
            .unwrap_err()
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "role",
                "birth_year",
                "purpose",
                "channel",
                "media",
                "valid_until"
            ]
        );
    }

    #[test]
    fn ids_are_unique_and_not_personal() {
        let s = id_seed();
        let a = new_id(&s, 0, "elev-1");
        let b = new_id(&s, 1, "elev-1");
        assert_ne!(a, b);
        assert!(a.starts_with("c-") && a.len() == 18 && !a.contains("elev"));
    }
}
