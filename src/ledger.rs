//! Append-only CSV registers on disk: file locking, fsync, all-or-nothing appends, torn-line
//! repair, a SHA-256 hash chain and signed checkpoints of its head.
//!
//! Every register (accounts, consents, publications, breaches, assessments) is one of
//! these. The rules that make them evidence live here once:
//! - a writer takes an exclusive `flock` on the file and holds it from its look-up to the
//!   fsync of what it appends ([`Ledger::write`]), so concurrent processes never interleave
//!   rows, break the chain or both append "the first withdrawal";
//! - an append is all-or-nothing, also under `kill -9`: a journal (`FILE.journal`, the
//!   length before) is made durable first, then the rows, then the signed checkpoint, then
//!   the journal is emptied. A journal with content found later means the append never
//!   finished: readers stop at its length, the next writer cuts the file back to it. The
//!   emptied file stays for the next append, which writes its line in place: creating,
//!   fsyncing the folder for, and unlinking a journal at every append was 4.4 % of
//!   `assess --all`'s CPU (`perf`, 1,000 accounts, 7 December 2026);
//! - a torn last line without a journal (a crash of an older version, an outside writer) is
//!   moved aside to `FILE.torn` (0600; nothing the user entered is thrown away), however long;
//! - a chained ledger ends every row with `prev_hash,hash`: `hash` is the SHA-256 of the
//!   row's exact bytes up to the comma before it (which include `prev_hash`), and the
//!   first row's `prev_hash` is the SHA-256 of the header line;
//! - after every write the new head is signed with the workspace key (`FILE.checkpoints`,
//!   see [`anchor`]); every read that decides something re-checks the chain up to the last
//!   checkpoint and its signature, and refuses (exit 1, naming the line) when they differ;
//! - files are never opened through a symbolic link, are 0600 whatever the umask, and are
//!   not written on a network file system unless `--allow-network-fs`.
//!
//! Fields may not hold line breaks, so one record is one physical line and "line N" in a
//! message is the line an editor shows.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ring::digest::{digest, Context, SHA256};

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;

pub mod anchor;
pub mod files;

pub use anchor::{checkpoints_path, set_anchor, Anchor, Checkpoint};

pub const PREV_HASH: &str = "prev_hash";
pub const HASH: &str = "hash";

/// The longest value one field may hold (in bytes): far above any real evidence text or
/// list, far below what would make a register row unwieldy. Checked at input.
pub const MAX_FIELD: usize = 4096;

#[derive(Debug, Clone)]
pub struct Ledger {
    pub path: PathBuf,
    /// Column names, without `prev_hash,hash` (added when chained).
    pub columns: Vec<String>,
    pub chained: bool,
    /// Whether `append` reports the line number of the first row written (that costs a
    /// read of the whole file; large registers turn it off with [`Ledger::unnumbered`]).
    pub numbered: bool,
    /// An old register of this kind without `prev_hash,hash` is read as it is and, on the
    /// first write, converted to a chained one (the old file is kept beside it).
    pub upgradable: bool,
    /// The columns of the version before the last column(s) were added at the end (the
    /// consent register's `explicit_art9`, rules 2026.12). A register with that header is
    /// read as it is, the new columns empty, and on the first write rewritten with the new
    /// header (see [`Tx::add_columns`]; the old file is kept beside it).
    pub previous: Option<Vec<String>>,
}

/// One row as read from disk, with its 1-based physical line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AppendReport {
    /// Bytes of a torn last line that were moved to `FILE.torn` before writing.
    pub repaired_torn_bytes: usize,
    /// Bytes of an append that never finished (a journal was left), cut off before writing.
    pub rolled_back_bytes: u64,
    /// Line number of the first row written (0 for an [`Ledger::unnumbered`] ledger).
    pub first_line: usize,
    /// Rows written.
    pub rows: usize,
    /// The chain's head after the write.
    pub head: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub rows: usize,
    /// Bytes after the last newline (a torn line awaiting repair).
    pub torn_bytes: usize,
    pub last_hash: String,
    /// Signed checkpoints found, and the time of the last.
    pub checkpoints: usize,
    pub last_checkpoint_at: Option<String>,
    /// Bytes of an unfinished append (a journal) that readers ignore.
    pub pending_bytes: u64,
    /// The register carries no `prev_hash,hash` (an old `accounts.csv`): nothing to check.
    pub unchained: bool,
}

/// One row's fields, decoded into one reused buffer (no allocation per field).
#[derive(Debug, Default)]
pub struct Fields {
    buf: Vec<u8>,
    ends: Vec<usize>,
    offset: u64,
    end: u64,
    hash: String,
}

impl Fields {
    /// Byte offset of the row's line in the register.
    pub fn offset(&self) -> u64 {
        self.offset
    }
    /// Byte offset just after the row's newline.
    pub fn end(&self) -> u64 {
        self.end
    }
    /// The row's own chain hash (chained registers).
    pub fn hash(&self) -> &str {
        &self.hash
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// The field's bytes; a column the row's register version did not have yet is empty.
    pub fn get(&self, i: usize) -> &[u8] {
        if i >= self.ends.len() {
            return &[];
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
    /// The field as text (rows are checked to be UTF-8 when read).
    pub fn str(&self, i: usize) -> &str {
        std::str::from_utf8(self.get(i)).unwrap_or("")
    }
    pub fn strings(&self, n: usize) -> Vec<String> {
        (0..n).map(|i| self.str(i).to_string()).collect()
    }
    fn truncate(&mut self, n: usize) {
        self.ends.truncate(n);
    }
}

/// RFC 4180 fields of one line (no newline) into `out`.
fn split_fields(line: &[u8], out: &mut Fields) -> std::result::Result<(), &'static str> {
    out.buf.clear();
    out.ends.clear();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Ok(());
    }
    if std::str::from_utf8(line).is_err() {
        return Err("utf8");
    }
    if !line.contains(&b'"') {
        for part in line.split(|&b| b == b',') {
            out.buf.extend_from_slice(part);
            out.ends.push(out.buf.len());
        }
        return Ok(());
    }
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match line.get(i) {
                    None => return Err("quote"),
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                        out.buf.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&b) => {
                        out.buf.push(b);
                        i += 1;
                    }
                }
            }
            out.ends.push(out.buf.len());
            match line.get(i) {
                None => return Ok(()),
                Some(b',') => i += 1,
                Some(_) => return Err("quote"),
            }
        } else {
            let rest = &line[i..];
            let n = memchr::memchr(b',', rest).unwrap_or(rest.len());
            if rest[..n].contains(&b'"') {
                return Err("quote");
            }
            out.buf.extend_from_slice(&rest[..n]);
            out.ends.push(out.buf.len());
            if n == rest.len() {
                return Ok(());
            }
            i += n + 1;
        }
        if i == line.len() {
            out.ends.push(out.buf.len());
            return Ok(());
        }
    }
}

fn fields_error(kind: &str) -> Error {
    Error::input(match kind {
        "utf8" => t(
            "raden är inte giltig UTF-8 (filen har ändrats med ett annat program eller är skadad)",
            "the row is not valid UTF-8 (the file was changed by another program or is damaged)",
        ),
        _ => t(
            "raden är inte giltig CSV (ett citattecken är inte avslutat eller står fel)",
            "the row is not valid CSV (a quote is not closed or is misplaced)",
        ),
    })
}

/// What a walk over a register's bytes found.
#[derive(Debug, Default, Clone)]
struct Walk {
    rows: usize,
    head: String,
    /// Bytes up to the last complete line read.
    end: u64,
    torn: Option<(usize, usize)>,
    /// The head at the watched offset, if a line ended exactly there.
    watched: Option<String>,
    unchained: bool,
    /// Line number after the watched offset (the first row after a checkpoint).
    line_after_watch: Option<usize>,
    /// The header is the previous version's ([`Ledger::previous`]).
    previous_format: bool,
}

struct WalkOpts<'a> {
    path: &'a Path,
    columns: &'a [String],
    chained: bool,
    upgradable: bool,
    previous: Option<&'a [String]>,
    limit: u64,
    watch: Option<u64>,
}

/// What the header line decided: chained or not, the row width (without `prev_hash,hash`),
/// the number of fields a row must have, and the chain's first `prev_hash`.
struct Header {
    chained: bool,
    width: usize,
    fields: usize,
    prev: String,
}

/// Checks the header line (with its newline) against the ledger's columns, the previous
/// version's or (upgradable) the unchained ones; sets `w.unchained`, `w.previous_format`
/// and (when the watched offset is the header's end) `w.watched`.
fn check_header(line: &[u8], o: &WalkOpts, w: &mut Walk, fields: &mut Fields) -> Result<Header> {
    let path = o.path;
    let mut names: Vec<&str> = o.columns.iter().map(String::as_str).collect();
    let plain = names.clone();
    if o.chained {
        names.push(PREV_HASH);
        names.push(HASH);
    }
    let header = &line[..line.len() - 1];
    split_fields(strip_bom(header), fields)
        .map_err(|k| fields_error(k).in_file(path).at_line(1))?;
    let header_fields: Vec<&str> = (0..fields.len()).map(|i| fields.str(i)).collect();
    let mut chained = o.chained;
    let mut width = o.columns.len();
    let previous: Option<Vec<&str>> = o.previous.map(|p| {
        let mut v: Vec<&str> = p.iter().map(String::as_str).collect();
        v.push(PREV_HASH);
        v.push(HASH);
        v
    });
    if header_fields != names {
        if o.chained && o.upgradable && header_fields == plain {
            chained = false;
            w.unchained = true;
            names = plain;
        } else if o.chained && previous.as_deref() == Some(&header_fields[..]) {
            names = previous.unwrap_or_default();
            width = names.len() - 2;
            w.previous_format = true;
        } else {
            return Err(header_error(&names, &header_fields)
                .in_file(path)
                .at_line(1));
        }
    }
    let prev = if chained {
        sha256_hex(line)
    } else {
        String::new()
    };
    if o.watch == Some(w.end) {
        w.watched = Some(prev.clone());
    }
    Ok(Header {
        chained,
        width,
        fields: names.len(),
        prev,
    })
}

fn count_error(path: &Path, n: usize, got: usize, expected: usize, chained: bool) -> Error {
    let e = Error::input(t(
        &format!("raden har {got} fält, {expected} väntades"),
        &format!("the row has {got} fields, {expected} expected"),
    ))
    .in_file(path)
    .at_line(n);
    if chained {
        Error::CheckFailed(e.to_string())
    } else {
        e
    }
}

/// Reads the header line into `line` and notes where it ends in `w`. False: nothing more to
/// read (an empty file, or a header torn before its newline, noted in `w`).
fn read_header_line(
    r: &mut impl BufRead,
    line: &mut Vec<u8>,
    w: &mut Walk,
    path: &Path,
) -> Result<bool> {
    if r.read_until(b'\n', line).at(path)? == 0 {
        return Ok(false);
    }
    if !line.ends_with(b"\n") {
        w.torn = Some((1, line.len()));
        return Ok(false);
    }
    w.end = line.len() as u64;
    Ok(true)
}

/// Reads lines up to `limit`, checks the header, each row's field count and (chained) the
/// chain, and hands each row to `f`. Constant memory: one line buffer, one field buffer.
fn walk<R: Read>(
    src: R,
    o: &WalkOpts,
    mut f: impl FnMut(usize, &Fields) -> Result<()>,
) -> Result<Walk> {
    let path = o.path;
    let mut r = BufReader::with_capacity(1 << 20, src.take(o.limit));
    let mut w = Walk::default();
    let mut line = Vec::with_capacity(4096);
    let mut fields = Fields::default();
    if !read_header_line(&mut r, &mut line, &mut w, path)? {
        return Ok(w);
    }
    let h = check_header(&line, o, &mut w, &mut fields)?;
    let (chained, width, expected) = (h.chained, h.width, h.fields);
    let mut prev = h.prev;
    let mut n = 1;
    loop {
        line.clear();
        let got = r.read_until(b'\n', &mut line).at(path)?;
        if got == 0 {
            break;
        }
        n += 1;
        if !line.ends_with(b"\n") {
            w.torn = Some((n, line.len()));
            break;
        }
        if o.watch.is_some() && w.watched.is_some() && w.line_after_watch.is_none() {
            w.line_after_watch = Some(n);
        }
        let row_offset = w.end;
        w.end += line.len() as u64;
        let body = &line[..line.len() - 1];
        if body.is_empty() || body == b"\r" {
            if chained {
                return Err(chain_fail(path, n, "raden är tom", "the row is empty"));
            }
            continue;
        }
        if chained {
            prev = check_link(body, &prev).map_err(|(sv, en)| chain_fail(path, n, sv, en))?;
        }
        split_fields(body, &mut fields).map_err(|k| fields_error(k).in_file(path).at_line(n))?;
        if fields.len() != expected {
            return Err(count_error(path, n, fields.len(), expected, chained));
        }
        if chained {
            fields.truncate(width);
            fields.hash.clear();
            fields.hash.push_str(&prev);
        }
        fields.offset = row_offset;
        fields.end = w.end;
        w.rows += 1;
        if o.watch == Some(w.end) {
            w.watched = Some(prev.clone());
        }
        f(n, &fields)?;
    }
    w.head = prev;
    Ok(w)
}

/// Checks one chained line against the previous head; returns its own hash.
fn check_link(
    body: &[u8],
    prev: &str,
) -> std::result::Result<String, (&'static str, &'static str)> {
    let Some(cut) = memchr::memrchr(b',', body) else {
        return Err(("raden saknar kedjesumma", "the row has no chain hash"));
    };
    let (prefix, hash) = (&body[..cut], &body[cut + 1..]);
    let Some(pcut) = memchr::memrchr(b',', prefix) else {
        return Err((
            "raden saknar föregående summa",
            "the row has no previous hash",
        ));
    };
    if &prefix[pcut + 1..] != prev.as_bytes() {
        return Err((
            "kedjan är bruten: föregående rad har ändrats, tagits bort eller flyttats",
            "the chain is broken: the previous row was changed, removed or moved",
        ));
    }
    let computed = sha256_hex(prefix);
    if computed.as_bytes() != hash {
        return Err((
            "raden har ändrats efter att den skrevs (summan stämmer inte)",
            "the row was changed after it was written (its hash does not match)",
        ));
    }
    Ok(computed)
}

fn chain_fail(path: &Path, line: usize, sv: &str, en: &str) -> Error {
    Error::CheckFailed(format!(
        "{}: {} {line}: {}",
        path.display(),
        t("rad", "line"),
        t(sv, en)
    ))
}

fn header_error(names: &[&str], header_fields: &[&str]) -> Error {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !header_fields.iter().any(|h| h == n))
        .collect();
    let msg = if missing.is_empty() {
        t(
            &format!("rubrikraden stämmer inte; väntade: {}", names.join(",")),
            &format!(
                "the header row does not match; expected: {}",
                names.join(",")
            ),
        )
    } else {
        t(
            &format!(
                "rubrikraden saknar {}; väntade: {}",
                missing.join(", "),
                names.join(",")
            ),
            &format!(
                "the header row lacks {}; expected: {}",
                missing.join(", "),
                names.join(",")
            ),
        )
    };
    Error::input(msg)
}

/// The journal of an unfinished append: the register's and the checkpoint file's lengths
/// before it.
#[derive(Debug, Clone, Copy)]
struct Journal {
    start: u64,
    checkpoints_len: u64,
}

fn migrating_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".migrating");
    PathBuf::from(s)
}

/// The chain hash of the last row of a chained register's bytes (the header's hash when
/// it has no rows).
fn last_head(bytes: &[u8]) -> Option<String> {
    let body = bytes.strip_suffix(b"\n")?;
    let start = memchr::memrchr(b'\n', body).map_or(0, |i| i + 1);
    if start == 0 {
        return Some(sha256_hex(bytes));
    }
    let line = &body[start..];
    let cut = memchr::memrchr(b',', line)?;
    Some(String::from_utf8_lossy(&line[cut + 1..]).into_owned())
}

fn journal_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".journal");
    PathBuf::from(s)
}

fn read_journal(path: &Path) -> Result<Option<Journal>> {
    let jp = journal_path(path);
    let mut f = match files::open_read(&jp) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(files::open_error(&jp, e)),
    };
    let mut s = String::new();
    (&mut f).take(256).read_to_string(&mut s).at(&jp)?;
    // An emptied journal: the last append finished (see the module's comment).
    if s.is_empty() {
        return Ok(None);
    }
    let mut it = s.split_whitespace();
    let parsed = (|| {
        if it.next()? != "dataskydd-journal-v1" {
            return None;
        }
        Some(Journal {
            start: it.next()?.parse().ok()?,
            checkpoints_len: it.next()?.parse().ok()?,
        })
    })();
    match parsed {
        Some(j) => Ok(Some(j)),
        // A journal cut before its fsync finished: the append had not begun.
        None => Ok(Some(Journal {
            start: u64::MAX,
            checkpoints_len: u64::MAX,
        })),
    }
}

/// Whether the append a journal announced did finish: a new signed checkpoint was written
/// after the journal, and it covers the register's complete rows. (The journal's removal is
/// the last step, so a kill can leave a journal behind a finished append.)
fn journal_finished(j: &Journal, cps: &anchor::Tail, complete: u64) -> bool {
    j.checkpoints_len != u64::MAX
        && cps.complete_len > j.checkpoints_len
        && cps.last.as_ref().is_some_and(|c| c.bytes == complete)
}

impl Ledger {
    pub fn new(path: impl Into<PathBuf>, columns: &[&str], chained: bool) -> Ledger {
        Ledger {
            path: path.into(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            chained,
            numbered: true,
            upgradable: false,
            previous: None,
        }
    }

    /// See [`Ledger::previous`] (the field): `previous` are the columns before the last
    /// ones were added.
    pub fn adds_columns(mut self, previous: &[&str]) -> Ledger {
        debug_assert!(previous.len() < self.columns.len());
        debug_assert!(self
            .columns
            .starts_with(&previous.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
        self.previous = Some(previous.iter().map(|s| s.to_string()).collect());
        self
    }

    /// Appends without counting lines (`AppendReport::first_line` is 0): one append then
    /// costs the same on a register of ten rows as on one of ten million.
    pub fn unnumbered(mut self) -> Ledger {
        self.numbered = false;
        self
    }

    /// See [`Ledger::upgradable`] (the field).
    pub fn upgradable(mut self) -> Ledger {
        self.upgradable = true;
        self
    }

    /// The header as written on disk.
    pub fn header_names(&self) -> Vec<String> {
        let mut h = self.columns.clone();
        if self.chained {
            h.push(PREV_HASH.into());
            h.push(HASH.into());
        }
        h
    }

    pub fn header_line(&self) -> Vec<u8> {
        encode_row(&self.header_names())
    }

    /// Index of a column in a row (as read by [`Ledger::read`]).
    pub fn col(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("column {name} not in {}", self.path.display()))
    }

    /// Creates the file with its header, owner-readable only. Does nothing if it exists
    /// (a symbolic link in its place is refused).
    pub fn create(&self) -> Result<()> {
        if files::is_symlink(&self.path) {
            return Err(files::symlink_refused(&self.path));
        }
        if self.path.exists() {
            return Ok(());
        }
        files::check_local(&self.path)?;
        let tmp = files::temp_name(&self.path);
        let mut f = files::create_new(&tmp).map_err(|e| files::open_error(&tmp, e))?;
        let done = f
            .write_all(&self.header_line())
            .and_then(|_| f.sync_all())
            .at(&tmp);
        if let Err(e) = done {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        // A hard link never replaces anything: whoever creates the register first wins.
        let linked = std::fs::hard_link(&tmp, &self.path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => files::sync_dir(&files::parent(&self.path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    /// Appends rows (each without `prev_hash,hash`; they are computed here), all or
    /// nothing. Validates every field first; on any error nothing is written.
    pub fn append(&self, rows: &[Vec<String>]) -> Result<AppendReport> {
        self.check_rows(rows)?;
        self.write(|tx| tx.append(rows))
    }

    fn check_rows(&self, rows: &[Vec<String>]) -> Result<()> {
        for (i, row) in rows.iter().enumerate() {
            self.check_row(row)
                .map_err(|e| if rows.len() > 1 { e.at_line(i + 1) } else { e })?;
        }
        Ok(())
    }

    fn check_row(&self, row: &[String]) -> Result<()> {
        if row.len() != self.columns.len() {
            return Err(Error::input(format!(
                "internal: a row has {} fields, {} expected",
                row.len(),
                self.columns.len()
            )));
        }
        for (c, v) in row.iter().enumerate() {
            check_field(v).map_err(|e| e.field(&self.columns[c]))?;
        }
        Ok(())
    }

    /// Takes the register's exclusive lock and holds it while `f` looks up and appends:
    /// the one way to "check, then write" (a withdrawal of a consent not yet withdrawn, an
    /// account id not yet taken, the next breach id). The lock is released when `f`
    /// returns, after the fsync of whatever it appended.
    pub fn write<T>(&self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        files::check_local(&self.path)?;
        self.create()?;
        let file = self.open_locked()?;
        let mut tx = Tx {
            ledger: self,
            file,
            end: 0,
            head: String::new(),
            checkpoints_len: 0,
            report: AppendReport::default(),
            anchored_rows: false,
        };
        tx.recover()?;
        f(&mut tx)
    }

    /// Opens and locks the register, retrying if the file was replaced (upgraded) while we
    /// waited for the lock, so nobody writes into a file no longer in the folder.
    fn open_locked(&self) -> Result<File> {
        loop {
            let f = files::open_rw(&self.path).map_err(|e| files::open_error(&self.path, e))?;
            f.lock().at(&self.path)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let a = f.metadata().at(&self.path)?;
                match std::fs::symlink_metadata(&self.path) {
                    Ok(b) if a.ino() == b.ino() && a.dev() == b.dev() => return Ok(f),
                    Ok(_) => continue,
                    Err(e) => return Err(Error::io(&self.path, e)),
                }
            }
            #[cfg(not(unix))]
            return Ok(f);
        }
    }

    /// Decodes one chained line's body (no newline) into its fields, without the chain
    /// columns; the field count is checked.
    pub fn split_row(&self, body: &[u8], out: &mut Fields) -> Result<()> {
        split_fields(body, out).map_err(|k| fields_error(k).in_file(&self.path))?;
        let want = self.columns.len() + if self.chained { 2 } else { 0 };
        let old = self.previous.as_ref().map(|p| p.len() + 2);
        if self.chained && Some(out.len()) == old {
            out.truncate(out.len() - 2);
            return Ok(());
        }
        if out.len() != want {
            return Err(Error::CheckFailed(format!(
                "{}: {}",
                self.path.display(),
                t(
                    "en rad har fel antal fält",
                    "a row has the wrong number of fields"
                )
            )));
        }
        out.truncate(self.columns.len());
        Ok(())
    }

    /// For a derived index built up to `covered` bytes ending in `head`: checks, under a
    /// shared lock, that the register still ends there in that head, that the rows after it
    /// chain on from it to the last signed checkpoint (its signature included), and returns
    /// those rows (line number, body). `None` when the index cannot be used: rebuild it.
    #[allow(clippy::type_complexity)]
    pub fn tail_after(
        &self,
        covered: u64,
        lines_before: usize,
        head: &str,
        limit_bytes: u64,
    ) -> Result<Option<Vec<(usize, Vec<u8>)>>> {
        self.tail_after_held(covered, lines_before, head, limit_bytes, false)
    }

    /// [`Ledger::tail_after`]; `held`: the caller already holds the register's lock (a
    /// writer's [`Tx`]), so none is taken here (a second lock from this process would
    /// wait for the first for ever).
    #[allow(clippy::type_complexity)]
    pub fn tail_after_held(
        &self,
        covered: u64,
        lines_before: usize,
        head: &str,
        limit_bytes: u64,
        held: bool,
    ) -> Result<Option<Vec<(usize, Vec<u8>)>>> {
        let mut f = match files::open_read(&self.path) {
            Ok(f) => f,
            Err(e) => return Err(files::open_error(&self.path, e)),
        };
        if !held {
            f.lock_shared().at(&self.path)?;
        }
        let len = f.seek(SeekFrom::End(0)).at(&self.path)?;
        let cps = self.checkpoint_tail()?;
        let (limit, _) = self.read_limit(&mut f, len, &cps)?;
        let limit = limit.min(complete_len(&mut f, &self.path)?);
        if covered > limit || limit - covered > limit_bytes || covered == 0 {
            return Ok(None);
        }
        if let Some(a) = anchor::anchor_for(&self.path) {
            match &cps.last {
                Some(cp) if cp.bytes == limit && cp.valid(&self.path, &a.trusted()?) => {}
                _ => return Ok(None),
            }
        }
        let (last, _) = last_line(&mut f, covered, &self.path)?;
        let body = &last[..last.len() - 1];
        match row_hash_ok(body) {
            Some(h) if h == head => {}
            _ => return Ok(None),
        }
        f.seek(SeekFrom::Start(covered)).at(&self.path)?;
        let mut r = BufReader::new((&f).take(limit - covered));
        let mut prev = head.to_string();
        let mut out = Vec::new();
        let mut line = Vec::new();
        let mut n = lines_before;
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line).at(&self.path)? == 0 {
                break;
            }
            n += 1;
            let body = line.strip_suffix(b"\n").unwrap_or(&line);
            prev = check_link(body, &prev).map_err(|(sv, en)| chain_fail(&self.path, n, sv, en))?;
            out.push((n, body.to_vec()));
        }
        if let (Some(cp), Some(_)) = (&cps.last, anchor::anchor_for(&self.path)) {
            if cp.head != prev {
                return Ok(None);
            }
        }
        Ok(Some(out))
    }

    /// Holds a shared lock on the register until the returned file is dropped: writers
    /// wait, readers do not. For a decision that reads this register and records itself in
    /// another (the photo decision: consents, then `publications.csv`).
    pub fn hold_shared(&self) -> Result<Option<File>> {
        match files::open_read(&self.path) {
            Ok(f) => {
                f.lock_shared().at(&self.path)?;
                Ok(Some(f))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(files::open_error(&self.path, e)),
        }
    }

    /// Signs the current state of a register that has rows but no checkpoint yet (an old
    /// register, from before checkpoints), after checking its whole chain. Returns false
    /// when it already has checkpoints (nothing to do).
    pub fn anchor_existing(&self) -> Result<bool> {
        if !self.chained || !self.path.exists() {
            return Ok(false);
        }
        files::check_local(&self.path)?;
        let file = self.open_locked()?;
        if read_journal(&self.path)?.is_some() || self.checkpoint_tail()?.last.is_some() {
            return Ok(false);
        }
        let Some(a) = anchor::anchor_for(&self.path) else {
            return Ok(false);
        };
        let mut f = &file;
        let len = f.seek(SeekFrom::End(0)).at(&self.path)?;
        f.seek(SeekFrom::Start(0)).at(&self.path)?;
        let w = walk(&file, &self.walk_opts(len, None), |_, _| Ok(()))?;
        if w.unchained || w.rows == 0 {
            return Ok(false);
        }
        let cps = anchor::read_tail(&self.path)?;
        let cp = Checkpoint::make(a.as_ref(), &self.path, w.end, &w.head)?;
        anchor::append(&self.path, cps.complete_len, &cp)?;
        Ok(true)
    }

    /// Reads every row, checking the header, each row's column count and the chain.
    ///
    /// A torn last line (no newline) is left out: it is not a row yet.
    pub fn read(&self) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.for_each(|r| {
            rows.push(r);
            Ok(())
        })?;
        Ok(rows)
    }

    /// Streams the rows to `f` (constant memory), checking the chain up to the last signed
    /// checkpoint on the way: a register that fails is refused (exit 1, naming the line).
    pub fn for_each(&self, mut f: impl FnMut(Row) -> Result<()>) -> Result<()> {
        let n = self.columns.len();
        self.for_each_fields(|line, fields| {
            f(Row {
                line,
                fields: fields.strings(n),
            })
        })
    }

    /// [`Ledger::for_each`] without building strings: `f` gets the line number and the
    /// row's fields (without `prev_hash,hash`).
    pub fn for_each_fields(&self, f: impl FnMut(usize, &Fields) -> Result<()>) -> Result<()> {
        let mut file = match files::open_read(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(files::open_error(&self.path, e)),
        };
        file.lock_shared().at(&self.path)?;
        let len = file.seek(SeekFrom::End(0)).at(&self.path)?;
        let cps = self.checkpoint_tail()?;
        let (limit, pending) = self.read_limit(&mut file, len, &cps)?;
        file.seek(SeekFrom::Start(0)).at(&self.path)?;
        let w = walk(
            &file,
            &self.walk_opts(limit, cps.last.as_ref().map(|c| c.bytes)),
            f,
        )?;
        self.check_against_checkpoint(&w, &cps, pending, limit)?;
        if let Some((n, _)) = w.torn {
            if !pending {
                self.note_torn(n);
            }
        }
        Ok(())
    }

    fn note_torn(&self, n: usize) {
        eprintln!(
            "{}",
            t(
                &format!(
                    "Obs: {} rad {n} är ofullständig (troligen ett avbrott mitt i en skrivning); den läses inte och flyttas till {} vid nästa skrivning.",
                    self.path.display(),
                    torn_path(&self.path).display()
                ),
                &format!(
                    "Note: {} line {n} is incomplete (probably a crash mid-write); it is not read and is moved to {} on the next write.",
                    self.path.display(),
                    torn_path(&self.path).display()
                ),
            )
        );
    }

    fn walk_opts(&self, limit: u64, watch: Option<u64>) -> WalkOpts<'_> {
        WalkOpts {
            path: &self.path,
            columns: &self.columns,
            chained: self.chained,
            upgradable: self.upgradable,
            previous: self.previous.as_deref(),
            limit,
            watch,
        }
    }

    /// How far a reader may read, and whether an append is still pending. A journal means
    /// an append began: readers stop at its start — unless the append's signed checkpoint
    /// was written and only the journal's removal was cut off (a kill between the last two
    /// steps), in which case the rows are complete and signed and the next writer keeps
    /// them ([`journal_finished`], the same test the writer's recovery makes).
    fn read_limit(&self, file: &mut File, len: u64, cps: &anchor::Tail) -> Result<(u64, bool)> {
        let Some(j) = read_journal(&self.path)? else {
            return Ok((len, false));
        };
        if journal_finished(&j, cps, complete_len(file, &self.path)?) {
            return Ok((len, false));
        }
        Ok((j.start.min(len), true))
    }

    fn checkpoint_tail(&self) -> Result<anchor::Tail> {
        if !self.chained {
            return Ok(anchor::Tail::default());
        }
        anchor::read_tail(&self.path)
    }

    /// The rows read end in the last signed checkpoint's head, its signature holds, and no
    /// row follows it that dataskydd did not write.
    fn check_against_checkpoint(
        &self,
        w: &Walk,
        cps: &anchor::Tail,
        pending: bool,
        limit: u64,
    ) -> Result<()> {
        if !self.chained || w.unchained {
            return Ok(());
        }
        let Some(a) = anchor::anchor_for(&self.path) else {
            return Ok(());
        };
        let cp_path = checkpoints_path(&self.path);
        if cps.bad_line.is_some() {
            return Err(Error::CheckFailed(format!(
                "{}: {}",
                cp_path.display(),
                t(
                    "sista raden är ingen kontrollpunkt (filen har ändrats)",
                    "the last line is not a checkpoint (the file was changed)"
                )
            )));
        }
        let Some(cp) = &cps.last else {
            if w.rows == 0 {
                return Ok(());
            }
            return Err(Error::CheckFailed(t(
                &format!(
                    "{}: registret har {} rader men ingen signerad kontrollpunkt ({} saknas), så ingen kan se om raderna räknats om. Kontrollera registret och signera dess nuvarande läge med `dataskydd verify-registers --anchor`",
                    self.path.display(),
                    w.rows,
                    cp_path.display()
                ),
                &format!(
                    "{}: the register has {} rows but no signed checkpoint ({} is missing), so nobody can tell whether they were recomputed. Check the register and sign its current state with `dataskydd verify-registers --anchor`",
                    self.path.display(),
                    w.rows,
                    cp_path.display()
                ),
            )));
        };
        let trusted = a.trusted()?;
        if !cp.valid(&self.path, &trusted) {
            return Err(Error::CheckFailed(t(
                &format!(
                    "{}: den senaste kontrollpunkten ({}) bär ingen giltig signatur av arbetsytans nycklar (keys/): den är förfalskad eller gjord med en okänd nyckel",
                    cp_path.display(),
                    cp.signed_at
                ),
                &format!(
                    "{}: the last checkpoint ({}) carries no valid signature by the workspace's keys (keys/): it is forged or made with an unknown key",
                    cp_path.display(),
                    cp.signed_at
                ),
            )));
        }
        let lines_end = w.end + w.torn.map(|(_, b)| b as u64).unwrap_or(0);
        if cp.bytes > w.end {
            let line = w.rows + 2;
            return Err(Error::CheckFailed(t(
                &format!(
                    "{}: rad {line}: registret slutar före den signerade kontrollpunkten ({} byte, {}): rader har tagits bort i efterhand — det är manipulation, inte ett avbrott",
                    self.path.display(),
                    cp.bytes,
                    cp.signed_at
                ),
                &format!(
                    "{}: line {line}: the register ends before the signed checkpoint ({} bytes, {}): rows were removed afterwards — that is tampering, not a crash",
                    self.path.display(),
                    cp.bytes,
                    cp.signed_at
                ),
            )));
        }
        match &w.watched {
            Some(h) if *h == cp.head => {}
            _ => {
                return Err(Error::CheckFailed(t(
                    &format!(
                        "{}: raderna fram till den signerade kontrollpunkten ({}) leder inte till dess kedjesumma: registret har skrivits om och kedjan räknats om",
                        self.path.display(),
                        cp.signed_at
                    ),
                    &format!(
                        "{}: the rows up to the signed checkpoint ({}) do not lead to its chain hash: the register was rewritten and the chain recomputed",
                        self.path.display(),
                        cp.signed_at
                    ),
                )))
            }
        }
        if w.end > cp.bytes && !(pending && limit <= cp.bytes) {
            let line = w.line_after_watch.unwrap_or(0);
            return Err(Error::CheckFailed(t(
                &format!(
                    "{}: rad {line}: raden står efter den senaste signerade kontrollpunkten ({}) och skrevs inte av dataskydd (ingen signatur täcker den)",
                    self.path.display(),
                    cp.signed_at
                ),
                &format!(
                    "{}: line {line}: the row comes after the last signed checkpoint ({}) and was not written by dataskydd (no signature covers it)",
                    self.path.display(),
                    cp.signed_at
                ),
            )));
        }
        let _ = lines_end;
        Ok(())
    }

    /// Checks the whole register: the hash chain from the header to the last row, every
    /// checkpoint line, and the last checkpoint's head and signature.
    ///
    /// `Err(Error::CheckFailed)` names the first line that fails.
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut file = match files::open_read(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(VerifyReport::default())
            }
            Err(e) => return Err(files::open_error(&self.path, e)),
        };
        file.lock_shared().at(&self.path)?;
        let len = file.seek(SeekFrom::End(0)).at(&self.path)?;
        let cps = self.checkpoint_tail()?;
        let (limit, pending) = self.read_limit(&mut file, len, &cps)?;
        file.seek(SeekFrom::Start(0)).at(&self.path)?;
        let mut report = VerifyReport::default();
        let mut last_bytes = 0u64;
        if self.chained {
            anchor::each(&self.path, |n, c| {
                if c.bytes < last_bytes {
                    return Err(Error::CheckFailed(format!(
                        "{}: {} {n}: {}",
                        checkpoints_path(&self.path).display(),
                        t("rad", "line"),
                        t(
                            "kontrollpunkten täcker färre byte än den före (filen har ändrats)",
                            "the checkpoint covers fewer bytes than the one before (the file was changed)"
                        )
                    )));
                }
                last_bytes = c.bytes;
                report.checkpoints += 1;
                Ok(())
            })?;
        }
        let w = verify_walk(
            &file,
            &self.walk_opts(limit, cps.last.as_ref().map(|c| c.bytes)),
        )?;
        self.check_against_checkpoint(&w, &cps, pending, limit)?;
        report.rows = w.rows;
        report.last_hash = w.head;
        report.torn_bytes = w.torn.map(|(_, b)| b).unwrap_or(0);
        report.last_checkpoint_at = cps.last.map(|c| c.signed_at);
        report.pending_bytes = len.saturating_sub(limit);
        report.unchained = w.unchained;
        Ok(report)
    }
}

/// Bytes of one block of the verify pass (cut at its last newline; a longer line grows it).
const VERIFY_BLOCK: usize = 4 << 20;

/// The verify pass: the same checks as every read's walk (header, each row's chain link and
/// hash, its CSV and its field count; the first failing line named, with the same message),
/// but hashing in parallel. Every row's hash depends only on its own bytes (its `prev_hash`
/// is in the row), so blocks of whole lines are checked by worker threads, each row's link
/// to the row before it inside the block included; only each block's first link is checked
/// here, in order, and the earliest failure kept. Memory is bounded: at most `2 × threads`
/// blocks in flight, whatever the file's size. A register that is not chained (an old one
/// read as it is) goes through the ordinary walk.
fn verify_walk<R: Read + Seek>(src: R, o: &WalkOpts) -> Result<Walk> {
    verify_walk_blocks(src, o, VERIFY_BLOCK)
}

fn verify_walk_blocks<R: Read + Seek>(mut src: R, o: &WalkOpts, block: usize) -> Result<Walk> {
    let path = o.path;
    let mut r = BufReader::with_capacity(64 * 1024, (&mut src).take(o.limit));
    let mut w = Walk::default();
    let mut line = Vec::new();
    if !read_header_line(&mut r, &mut line, &mut w, path)? {
        return Ok(w);
    }
    let mut fields = Fields::default();
    let h = check_header(&line, o, &mut w, &mut fields)?;
    drop(r);
    if !h.chained {
        src.seek(SeekFrom::Start(0)).at(path)?;
        return walk(src, o, |_, _| Ok(()));
    }
    src.seek(SeekFrom::Start(w.end)).at(path)?;
    let mut src = src.take(o.limit - w.end);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let expected = h.fields;
    let watch = o.watch;
    let mut head = h.prev.into_bytes();
    let mut watched_line = None;
    let result = std::thread::scope(|scope| -> Result<()> {
        let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(usize, u64, Vec<u8>)>(threads);
        let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
        let (done_tx, done_rx) = std::sync::mpsc::channel::<(usize, Vec<u8>, BlockCheck)>();
        for _ in 0..threads {
            let rx = work_rx.clone();
            let tx = done_tx.clone();
            scope.spawn(move || loop {
                let job = rx.lock().map(|g| g.recv());
                let Ok(Ok((i, start, buf))) = job else { return };
                let c = check_block(&buf, start, expected, watch);
                if tx.send((i, buf, c)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let mut spare: Vec<Vec<u8>> = Vec::new();
        let mut carry: Vec<u8> = Vec::new();
        let mut sent = 0usize;
        let mut next = 0usize;
        let mut pending: std::collections::BTreeMap<usize, (Vec<u8>, BlockCheck)> =
            Default::default();
        let mut offset = w.end;
        let mut line_base = 1usize;
        let mut eof = false;
        let in_flight = 2 * threads;
        loop {
            // Fill the workers while fewer than `in_flight` blocks are out.
            while !eof && sent - next < in_flight {
                let mut buf = spare.pop().unwrap_or_default();
                buf.clear();
                buf.extend_from_slice(&carry);
                carry.clear();
                let cut = loop {
                    let have = buf.len();
                    // No bigger than what is left of the file (plus one byte, so that a
                    // short read says end of file): a block of zeros for a register of a
                    // few kilobytes was 16 % of a single `assess` (memset and page faults).
                    let left = usize::try_from(src.limit()).unwrap_or(usize::MAX);
                    let want = block
                        .max(have + block.min(64 * 1024))
                        .min(have.saturating_add(left).saturating_add(1));
                    buf.resize(want, 0);
                    let n = read_full(&mut src, &mut buf[have..]).at(path)?;
                    buf.truncate(have + n);
                    if n < want - have {
                        eof = true;
                    }
                    if let Some(p) = memchr::memrchr(b'\n', &buf[have..]) {
                        break Some(have + p + 1);
                    }
                    if eof {
                        break None;
                    }
                };
                match cut {
                    Some(c) => {
                        carry.extend_from_slice(&buf[c..]);
                        buf.truncate(c);
                    }
                    None => {
                        carry = std::mem::take(&mut buf);
                        break;
                    }
                }
                let len = buf.len() as u64;
                work_tx
                    .send((sent, offset, buf))
                    .map_err(|_| Error::input("verify worker stopped"))?;
                offset += len;
                sent += 1;
            }
            if next == sent {
                break;
            }
            // Merge the next block in order (results may arrive out of order).
            let (buf, c) = loop {
                if let Some(x) = pending.remove(&next) {
                    break x;
                }
                let (i, buf, c) = done_rx
                    .recv()
                    .map_err(|_| Error::input("verify worker stopped"))?;
                pending.insert(i, (buf, c));
            };
            next += 1;
            let first = line_base + 1;
            if let Some(e) = c
                .err
                .as_ref()
                .filter(|e| e.row == 0 && e.kind.before_link())
            {
                return Err(e.kind.error(path, first, expected));
            }
            if let Some(p) = &c.first_prev {
                if buf[p.clone()] != head[..] {
                    return Err(RowFault::BrokenLink.error(path, first, expected));
                }
            }
            if let Some(e) = &c.err {
                return Err(e.kind.error(path, first + e.row, expected));
            }
            head.clear();
            head.extend_from_slice(&buf[c.last_hash.clone()]);
            if let Some((row, hash)) = &c.watched {
                w.watched = Some(String::from_utf8_lossy(&buf[hash.clone()]).into_owned());
                watched_line = Some(first + row);
            }
            line_base += c.rows;
            w.rows += c.rows;
            w.end += buf.len() as u64;
            spare.push(buf);
        }
        if !carry.is_empty() {
            w.torn = Some((line_base + 1, carry.len()));
        }
        Ok(())
    });
    result?;
    if let (Some(l), Some(at)) = (watched_line, watch) {
        if w.end > at {
            w.line_after_watch = Some(l + 1);
        }
    } else if watch.is_some() && w.watched.is_some() && w.rows > 0 {
        // Watched at the header's end.
        w.line_after_watch = Some(2);
    }
    w.head = String::from_utf8_lossy(&head).into_owned();
    Ok(w)
}

/// Reads until `buf` is full or the source ends.
fn read_full(src: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match src.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Why a chained row fails, in the order the walk checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowFault {
    Empty,
    NoHash,
    NoPrev,
    BrokenLink,
    Changed,
    Csv(&'static str),
    Count(usize),
}

impl RowFault {
    /// Found before the row's link to the one before it is checked.
    fn before_link(self) -> bool {
        matches!(self, RowFault::Empty | RowFault::NoHash | RowFault::NoPrev)
    }
    /// The same error the walk gives for this row at line `n`.
    fn error(self, path: &Path, n: usize, expected: usize) -> Error {
        match self {
            RowFault::Empty => chain_fail(path, n, "raden är tom", "the row is empty"),
            RowFault::NoHash => chain_fail(
                path,
                n,
                "raden saknar kedjesumma",
                "the row has no chain hash",
            ),
            RowFault::NoPrev => chain_fail(
                path,
                n,
                "raden saknar föregående summa",
                "the row has no previous hash",
            ),
            RowFault::BrokenLink => chain_fail(
                path,
                n,
                "kedjan är bruten: föregående rad har ändrats, tagits bort eller flyttats",
                "the chain is broken: the previous row was changed, removed or moved",
            ),
            RowFault::Changed => chain_fail(
                path,
                n,
                "raden har ändrats efter att den skrevs (summan stämmer inte)",
                "the row was changed after it was written (its hash does not match)",
            ),
            RowFault::Csv(k) => fields_error(k).in_file(path).at_line(n),
            RowFault::Count(got) => count_error(path, n, got, expected, true),
        }
    }
}

#[derive(Debug)]
struct BlockFault {
    /// 0-based row in the block.
    row: usize,
    kind: RowFault,
}

/// What a worker found in one block of whole chained lines.
#[derive(Debug, Default)]
struct BlockCheck {
    rows: usize,
    /// The first row's `prev_hash` (checked against the block before, in order).
    first_prev: Option<std::ops::Range<usize>>,
    /// The last row's hash (the head after this block when nothing failed).
    last_hash: std::ops::Range<usize>,
    /// The first failing row (its link to the block before not checked).
    err: Option<BlockFault>,
    /// The row that ends at the watched offset, and its hash.
    watched: Option<(usize, std::ops::Range<usize>)>,
}

/// Checks every line of `buf` (whole lines, starting at byte `start` of the register) as
/// the walk does; stops at the first failing row.
fn check_block(buf: &[u8], start: u64, expected: usize, watch: Option<u64>) -> BlockCheck {
    use sha2::Digest;
    let mut c = BlockCheck::default();
    let mut pos = 0usize;
    let mut prev_hash: std::ops::Range<usize> = 0..0;
    let mut row = 0usize;
    while pos < buf.len() {
        let nl = memchr::memchr(b'\n', &buf[pos..]).map_or(buf.len(), |p| pos + p);
        let body = &buf[pos..nl];
        let fault = (|| {
            if body.is_empty() || body == b"\r" {
                return Err(RowFault::Empty);
            }
            let cut = memchr::memrchr(b',', body).ok_or(RowFault::NoHash)?;
            let prefix = &body[..cut];
            let pcut = memchr::memrchr(b',', prefix).ok_or(RowFault::NoPrev)?;
            let prev = pos + pcut + 1..pos + cut;
            if row == 0 {
                c.first_prev = Some(prev);
            } else if buf[prev] != buf[prev_hash.clone()] {
                return Err(RowFault::BrokenLink);
            }
            let digest: [u8; 32] = sha2::Sha256::digest(prefix).into();
            if hex_bytes(&digest) != body[cut + 1..] {
                return Err(RowFault::Changed);
            }
            prev_hash = pos + cut + 1..nl;
            let n = count_fields(body).map_err(RowFault::Csv)?;
            if n != expected {
                return Err(RowFault::Count(n));
            }
            Ok(())
        })();
        if let Err(kind) = fault {
            c.err = Some(BlockFault { row, kind });
            c.rows = row;
            return c;
        }
        row += 1;
        pos = nl + 1;
        if watch == Some(start + pos as u64) {
            c.watched = Some((row - 1, prev_hash.clone()));
        }
    }
    c.rows = row;
    c.last_hash = prev_hash;
    c
}

fn hex_bytes(bytes: &[u8; 32]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 15) as usize];
    }
    out
}

/// The number of fields [`split_fields`] finds in `line`, and the same errors, without
/// copying a byte (the verify pass only needs the count).
fn count_fields(line: &[u8]) -> std::result::Result<usize, &'static str> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Ok(0);
    }
    if std::str::from_utf8(line).is_err() {
        return Err("utf8");
    }
    if memchr::memchr(b'"', line).is_none() {
        return Ok(memchr::memchr_iter(b',', line).count() + 1);
    }
    let mut n = 0;
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            i += 1;
            loop {
                let Some(q) = memchr::memchr(b'"', &line[i..]) else {
                    return Err("quote");
                };
                i += q;
                if line.get(i + 1) == Some(&b'"') {
                    i += 2;
                } else {
                    i += 1;
                    break;
                }
            }
            n += 1;
            match line.get(i) {
                None => return Ok(n),
                Some(b',') => i += 1,
                Some(_) => return Err("quote"),
            }
        } else {
            let rest = &line[i..];
            let k = memchr::memchr(b',', rest).unwrap_or(rest.len());
            if memchr::memchr(b'"', &rest[..k]).is_some() {
                return Err("quote");
            }
            n += 1;
            if k == rest.len() {
                return Ok(n);
            }
            i += k + 1;
        }
        if i == line.len() {
            return Ok(n + 1);
        }
    }
}

/// A register held under its exclusive lock (see [`Ledger::write`]).
pub struct Tx<'a> {
    ledger: &'a Ledger,
    file: File,
    /// Length of the register's complete rows.
    end: u64,
    /// The chain's head at `end`.
    head: String,
    checkpoints_len: u64,
    report: AppendReport,
    anchored_rows: bool,
}

impl Tx<'_> {
    pub fn path(&self) -> &Path {
        &self.ledger.path
    }

    /// What the recovery before the look-up did (torn line moved aside, unfinished append
    /// cut off).
    pub fn report(&self) -> &AppendReport {
        &self.report
    }

    /// Rolls back an unfinished append, moves a torn line aside, upgrades an old unchained
    /// register, and checks the chain's head against the last checkpoint.
    fn recover(&mut self) -> Result<()> {
        let path = self.ledger.path.clone();
        if self.ledger.previous.is_some() {
            self.finish_add_columns()?;
        }
        let mut len = self.file.seek(SeekFrom::End(0)).at(&path)?;
        let cps = self.ledger.checkpoint_tail()?;
        if let Some(j) = read_journal(&path)? {
            let covered = cps.last.as_ref().map(|c| c.bytes).unwrap_or(0);
            let complete = complete_len(&mut self.file, &path)?;
            if !journal_finished(&j, &cps, complete) {
                if j.start != u64::MAX {
                    if j.start < covered || j.start > len {
                        return Err(Error::CheckFailed(t(
                            &format!(
                                "{}: journalen vill ta bort rader som en signerad kontrollpunkt täcker; den har ändrats. Inget skrevs",
                                journal_path(&path).display()
                            ),
                            &format!(
                                "{}: the journal would remove rows a signed checkpoint covers; it was changed. Nothing was written",
                                journal_path(&path).display()
                            ),
                        )));
                    }
                    self.report.rolled_back_bytes = len - j.start;
                    self.file.set_len(j.start).at(&path)?;
                    self.file.sync_data().at(&path)?;
                    anchor::truncate(&path, j.checkpoints_len)?;
                    len = j.start;
                }
                if self.report.rolled_back_bytes > 0 {
                    eprintln!(
                        "{}",
                        t(
                            &format!(
                                "Obs: en skrivning till {} avbröts innan den blev klar ({} byte); den togs bort helt, så registret är som före den. Kör kommandot igen.",
                                path.display(),
                                self.report.rolled_back_bytes
                            ),
                            &format!(
                                "Note: a write to {} was interrupted before it finished ({} bytes); it was removed whole, so the register is as before it. Run the command again.",
                                path.display(),
                                self.report.rolled_back_bytes
                            ),
                        )
                    );
                }
            }
            // Emptied, durably: the journal has done its work (see the module's comment).
            let jp = journal_path(&path);
            let j = files::open_rw(&jp).map_err(|e| files::open_error(&jp, e))?;
            j.set_len(0).at(&jp)?;
            j.sync_data().at(&jp)?;
        }
        let cps = self.ledger.checkpoint_tail()?;
        self.checkpoints_len = cps.complete_len;
        // A torn line (no journal: an outside writer or an older version): keep it aside.
        let complete = complete_len(&mut self.file, &path)?;
        if complete < len {
            let torn_path = torn_path(&path);
            let mut side =
                files::open_append(&torn_path).map_err(|e| files::open_error(&torn_path, e))?;
            self.file.seek(SeekFrom::Start(complete)).at(&path)?;
            std::io::copy(&mut (&self.file).take(len - complete), &mut side).at(&torn_path)?;
            side.write_all(b"\n").at(&torn_path)?;
            side.sync_all().at(&torn_path)?;
            self.file.set_len(complete).at(&path)?;
            self.file.sync_data().at(&path)?;
            self.report.repaired_torn_bytes = (len - complete) as usize;
            len = complete;
        }
        if len == 0 {
            self.file.seek(SeekFrom::Start(0)).at(&path)?;
            self.file.write_all(&self.ledger.header_line()).at(&path)?;
            self.file.sync_data().at(&path)?;
            len = self.ledger.header_line().len() as u64;
        }
        self.end = len;
        if !self.ledger.chained {
            return Ok(());
        }
        if self.ledger.upgradable && self.is_unchained()? {
            return self.upgrade(cps.last.is_some());
        }
        if self.ledger.previous.is_some() && self.header_is_previous()? {
            return self.add_columns(&cps);
        }
        // The head: the last checkpoint's, after checking the row it ends in; rows after
        // it, or no checkpoint for a register with rows, are refused (see the reads).
        let last = last_line(&mut self.file, self.end, &path)?;
        let header_only = last.1 == 0;
        let head = if header_only {
            sha256_hex(&last.0)
        } else {
            let body = &last.0[..last.0.len() - 1];
            let cut = memchr::memrchr(b',', body).unwrap_or(0);
            let h = &body[(cut + 1).min(body.len())..];
            if h.len() != 64 || !h.iter().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::CheckFailed(t(
                    &format!(
                        "{}: sista raden har ingen giltig kedjesumma; kör `dataskydd verify-registers`. Inget skrevs",
                        path.display()
                    ),
                    &format!(
                        "{}: the last row has no valid chain hash; run `dataskydd verify-registers`. Nothing was written",
                        path.display()
                    ),
                )));
            }
            String::from_utf8_lossy(h).into_owned()
        };
        self.anchored_rows = !header_only;
        if let Some(a) = anchor::anchor_for(&self.ledger.path) {
            let network = files::network_fs_allowed();
            match &cps.last {
                None if !header_only => {
                    // Verify the whole chain once: the message then says which line fails,
                    // or that the register is only unanchored.
                    let w = walk(
                        rewind(&self.file, &self.ledger.path)?,
                        &self.ledger.walk_opts(self.end, None),
                        |_, _| Ok(()),
                    )
                    .map_err(nothing_written)?;
                    let _ = w;
                    return Err(Error::CheckFailed(t(
                        &format!(
                            "{}: registret har rader men ingen signerad kontrollpunkt ({} saknas). Kontrollera registret och signera dess nuvarande läge med `dataskydd verify-registers --anchor`. Inget skrevs",
                            path.display(),
                            checkpoints_path(&path).display()
                        ),
                        &format!(
                            "{}: the register has rows but no signed checkpoint ({} is missing). Check the register and sign its current state with `dataskydd verify-registers --anchor`. Nothing was written",
                            path.display(),
                            checkpoints_path(&path).display()
                        ),
                    )));
                }
                None => {}
                Some(cp) => {
                    let ok = cp.bytes == self.end
                        && cp.head == head
                        && check_link(&last.0[..last.0.len() - 1], &prev_of(&last.0)).is_ok()
                        && cp.valid(&path, &a.trusted()?);
                    if !ok || network {
                        // Find and name the line that fails (or, on a network drive, check
                        // the whole chain head before appending to it).
                        let w = walk(
                            rewind(&self.file, &self.ledger.path)?,
                            &self.ledger.walk_opts(self.end, Some(cp.bytes)),
                            |_, _| Ok(()),
                        )
                        .map_err(nothing_written)?;
                        self.ledger
                            .check_against_checkpoint(&w, &cps, false, self.end)
                            .map_err(nothing_written)?;
                        if !ok {
                            return Err(nothing_written(Error::CheckFailed(format!(
                                "{}: {}",
                                path.display(),
                                t(
                                    "kedjans slut stämmer inte med den signerade kontrollpunkten",
                                    "the chain's end does not match the signed checkpoint"
                                )
                            ))));
                        }
                    }
                }
            }
        }
        self.head = head;
        Ok(())
    }

    fn is_unchained(&mut self) -> Result<bool> {
        let columns = self.ledger.columns.clone();
        self.header_is(&columns)
    }

    fn header_is_previous(&mut self) -> Result<bool> {
        let Some(mut previous) = self.ledger.previous.clone() else {
            return Ok(false);
        };
        previous.push(PREV_HASH.into());
        previous.push(HASH.into());
        self.header_is(&previous)
    }

    fn header_is(&mut self, want: &[String]) -> Result<bool> {
        let path = self.ledger.path.clone();
        self.file.seek(SeekFrom::Start(0)).at(&path)?;
        let mut r = BufReader::new((&self.file).take(1 << 16));
        let mut line = Vec::new();
        r.read_until(b'\n', &mut line).at(&path)?;
        let mut f = Fields::default();
        if split_fields(strip_bom(line.strip_suffix(b"\n").unwrap_or(&line)), &mut f).is_err() {
            return Ok(false);
        }
        let names: Vec<&str> = (0..f.len()).map(|i| f.str(i)).collect();
        Ok(names == want.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// A register of the previous version (fewer columns, see [`Ledger::previous`]) gets
    /// the new header on its first write. Its whole chain is checked against its signed
    /// checkpoint first, so no tampered row is carried over; then every row is written
    /// again with the new columns empty and a new chain, the old file is kept as
    /// `FILE.before-TIME` (a hard link: the evidence as it was), and a checkpoint of the new
    /// state is signed and appended to the same checkpoints file. The new file is written
    /// as `FILE.migrating` and its checkpoint signed before it takes the register's name,
    /// so a kill at any point leaves either the old register or the new one with its
    /// checkpoint ([`Tx::finish_add_columns`] completes the rename).
    fn add_columns(&mut self, cps: &anchor::Tail) -> Result<()> {
        let path = self.ledger.path.clone();
        let rows = {
            let mut rows = Vec::new();
            let o = self
                .ledger
                .walk_opts(self.end, cps.last.as_ref().map(|c| c.bytes));
            let w = walk(rewind(&self.file, &path)?, &o, |_, f| {
                rows.push(f.strings(self.ledger.columns.len()));
                Ok(())
            })
            .map_err(nothing_written)?;
            self.ledger
                .check_against_checkpoint(&w, cps, false, self.end)
                .map_err(nothing_written)?;
            rows
        };
        let stamp = crate::clock::now().format("%Y%m%dT%H%M%S").to_string();
        let keep = PathBuf::from(format!("{}.before-{stamp}", path.display()));
        let next = migrating_path(&path);
        let _ = std::fs::remove_file(&next);
        let mut buf = self.ledger.header_line();
        let mut prev = sha256_hex(&buf);
        for r in &rows {
            let (line, h) = chain_line(r, &prev);
            buf.extend_from_slice(&line);
            prev = h;
        }
        let res = (|| -> Result<()> {
            let mut out = files::create_new(&next).map_err(|e| files::open_error(&next, e))?;
            out.write_all(&buf).at(&next)?;
            out.sync_all().at(&next)?;
            if !keep.exists() {
                std::fs::hard_link(&path, &keep).at(&keep)?;
            }
            files::sync_dir(&files::parent(&path))?;
            if let Some(a) = anchor::anchor_for(&path) {
                let cp = Checkpoint::make(a.as_ref(), &path, buf.len() as u64, &prev)?;
                anchor::append(&path, self.checkpoints_len, &cp)?;
            }
            std::fs::rename(&next, &path).at(&path)?;
            files::sync_dir(&files::parent(&path))
        })();
        if res.is_err() {
            let _ = std::fs::remove_file(&next);
            let _ = anchor::truncate(&path, self.checkpoints_len);
        }
        res?;
        eprintln!(
            "{}",
            t(
                &format!(
                    "Obs: {} har fått nya kolumner ({}); raderna är oförändrade, kedjan och en ny signerad kontrollpunkt är gjorda, och den gamla filen finns kvar som {}.",
                    path.display(),
                    self.ledger.columns[self.ledger.previous.as_ref().map_or(0, Vec::len)..].join(", "),
                    keep.display()
                ),
                &format!(
                    "Note: {} has new columns ({}); the rows are unchanged, the chain and a new signed checkpoint are made, and the old file is kept as {}.",
                    path.display(),
                    self.ledger.columns[self.ledger.previous.as_ref().map_or(0, Vec::len)..].join(", "),
                    keep.display()
                ),
            )
        );
        let f = files::open_rw(&path).map_err(|e| files::open_error(&path, e))?;
        f.lock().at(&path)?;
        self.file = f;
        self.end = buf.len() as u64;
        self.head = prev;
        self.anchored_rows = !rows.is_empty();
        self.checkpoints_len = anchor::read_tail(&path)?.complete_len;
        Ok(())
    }

    /// A `FILE.migrating` left by a kill inside [`Tx::add_columns`]: if its checkpoint was
    /// signed (the last checkpoint covers exactly its bytes and head), it becomes the
    /// register; otherwise it never counted and goes.
    fn finish_add_columns(&mut self) -> Result<()> {
        let path = self.ledger.path.clone();
        let next = migrating_path(&path);
        let bytes = match std::fs::read(&next) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(&next, e)),
        };
        let cps = self.ledger.checkpoint_tail()?;
        let cols: Vec<&str> = self.ledger.columns.iter().map(String::as_str).collect();
        let signed = match (&cps.last, parse_rows(&bytes, &next, &cols, true)) {
            (Some(cp), Ok(_)) => {
                let head = last_head(&bytes);
                cp.bytes == bytes.len() as u64 && head.as_deref() == Some(cp.head.as_str())
            }
            _ => false,
        };
        if signed {
            std::fs::rename(&next, &path).at(&path)?;
            files::sync_dir(&files::parent(&path))?;
            let f = files::open_rw(&path).map_err(|e| files::open_error(&path, e))?;
            f.lock().at(&path)?;
            self.file = f;
        } else {
            std::fs::remove_file(&next).at(&next)?;
        }
        Ok(())
    }

    /// An old register without `prev_hash,hash`: written again with the chain (the old file
    /// is kept as `FILE.unchained-TIME`), then signed. Refused when the register already has
    /// checkpoints (an unchained file in place of a chained one is tampering).
    fn upgrade(&mut self, has_checkpoints: bool) -> Result<()> {
        let path = self.ledger.path.clone();
        if has_checkpoints {
            return Err(Error::CheckFailed(t(
                &format!(
                    "{}: registret saknar kedjesummor men har signerade kontrollpunkter: det har ersatts med en fil utan kedja. Inget skrevs",
                    path.display()
                ),
                &format!(
                    "{}: the register has no chain hashes but has signed checkpoints: it was replaced by a file without a chain. Nothing was written",
                    path.display()
                ),
            )));
        }
        let rows = {
            let mut rows = Vec::new();
            let o = self.ledger.walk_opts(self.end, None);
            walk(rewind(&self.file, &self.ledger.path)?, &o, |_, f| {
                rows.push(f.strings(self.ledger.columns.len()));
                Ok(())
            })?;
            rows
        };
        let stamp = crate::clock::now().format("%Y%m%dT%H%M%S").to_string();
        let keep = PathBuf::from(format!("{}.unchained-{stamp}", path.display()));
        let tmp = files::temp_name(&path);
        let mut out = files::create_new(&tmp).map_err(|e| files::open_error(&tmp, e))?;
        let mut buf = self.ledger.header_line();
        let mut prev = sha256_hex(&buf);
        for r in &rows {
            let (line, h) = chain_line(r, &prev);
            buf.extend_from_slice(&line);
            prev = h;
        }
        let res = (|| -> Result<()> {
            out.write_all(&buf).at(&tmp)?;
            out.sync_all().at(&tmp)?;
            std::fs::hard_link(&path, &keep).at(&keep)?;
            std::fs::rename(&tmp, &path).at(&path)?;
            files::sync_dir(&files::parent(&path))
        })();
        if res.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        res?;
        eprintln!(
            "{}",
            t(
                &format!(
                    "Obs: {} hade ingen hashkedja; den har fått en (raderna är oförändrade) och den gamla filen finns kvar som {}.",
                    path.display(),
                    keep.display()
                ),
                &format!(
                    "Note: {} had no hash chain; it now has one (the rows are unchanged) and the old file is kept as {}.",
                    path.display(),
                    keep.display()
                ),
            )
        );
        // Continue on the new file (we hold the lock on the old one; waiting writers
        // re-open, see `open_locked`).
        let f = files::open_rw(&path).map_err(|e| files::open_error(&path, e))?;
        f.lock().at(&path)?;
        self.file = f;
        self.end = buf.len() as u64;
        self.head = prev.clone();
        if let Some(a) = anchor::anchor_for(&self.ledger.path) {
            let cp = Checkpoint::make(a.as_ref(), &path, self.end, &prev)?;
            anchor::append(&path, self.checkpoints_len, &cp)?;
            self.checkpoints_len = anchor::read_tail(&path)?.complete_len;
        }
        Ok(())
    }

    /// Streams the rows (verified, like [`Ledger::for_each`]) from the locked file.
    pub fn for_each_fields(&mut self, f: impl FnMut(usize, &Fields) -> Result<()>) -> Result<()> {
        let path = self.ledger.path.clone();
        self.file.seek(SeekFrom::Start(0)).at(&path)?;
        let cps = self.ledger.checkpoint_tail()?;
        let w = walk(
            &self.file,
            &self
                .ledger
                .walk_opts(self.end, cps.last.as_ref().map(|c| c.bytes)),
            f,
        )?;
        self.ledger
            .check_against_checkpoint(&w, &cps, false, self.end)
    }

    pub fn for_each(&mut self, mut f: impl FnMut(Row) -> Result<()>) -> Result<()> {
        let n = self.ledger.columns.len();
        self.for_each_fields(|line, fields| {
            f(Row {
                line,
                fields: fields.strings(n),
            })
        })
    }

    pub fn read(&mut self) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.for_each(|r| {
            rows.push(r);
            Ok(())
        })?;
        Ok(rows)
    }

    /// Appends rows, all or nothing (see the module's journal).
    pub fn append(&mut self, rows: &[Vec<String>]) -> Result<AppendReport> {
        self.ledger.check_rows(rows)?;
        self.append_iter(rows.iter().map(|r| Ok(r.clone())))
    }

    /// Appends a stream of rows, all or nothing, in constant memory: an import of ten
    /// million rows goes out in 1 MiB writes under one journal, one fsync, one checkpoint.
    /// An error from the stream (or the disk) cuts the register back: nothing was written.
    pub fn append_iter(
        &mut self,
        rows: impl Iterator<Item = Result<Vec<String>>>,
    ) -> Result<AppendReport> {
        let path = self.ledger.path.clone();
        let start = self.end;
        let first_line = if self.ledger.numbered {
            count_lines(&mut self.file, start, &path)? + 1
        } else {
            0
        };
        let jp = journal_path(&path);
        // The journal of the last append is reused, written in place (see the module's
        // comment); only a new one needs its folder's fsync.
        let (mut j, created) = match files::open_rw(&jp) {
            Ok(f) => (f, false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
                files::create_new(&jp).map_err(|e| files::open_error(&jp, e))?,
                true,
            ),
            Err(e) => return Err(files::open_error(&jp, e)),
        };
        let line = format!("dataskydd-journal-v1 {start} {}\n", self.checkpoints_len);
        j.write_all(line.as_bytes()).at(&jp)?;
        j.set_len(line.len() as u64).at(&jp)?;
        j.sync_data().at(&jp)?;
        if created {
            files::sync_dir(&files::parent(&path))?;
        }
        let result = self.write_rows(rows, start);
        match result {
            Ok((n, end, head)) => {
                self.end = end;
                self.head = head.clone();
                self.report.first_line = first_line;
                self.report.rows = n;
                self.report.head = head;
                // Not fsync'd, as the unlink it replaced was not: a truncation lost in a
                // crash leaves a journal behind a finished append, which the append's
                // signed checkpoint shows as finished ([`journal_finished`]).
                let _ = j.set_len(0);
                Ok(self.report.clone())
            }
            Err(e) => {
                // Cut back to where we started, so the register is exactly as it was.
                let _ = self.file.set_len(start);
                let _ = self.file.sync_data();
                let _ = anchor::truncate(&path, self.checkpoints_len);
                let _ = j.set_len(0);
                Err(e)
            }
        }
    }

    fn write_rows(
        &mut self,
        rows: impl Iterator<Item = Result<Vec<String>>>,
        start: u64,
    ) -> Result<(usize, u64, String)> {
        let path = self.ledger.path.clone();
        self.file.seek(SeekFrom::Start(start)).at(&path)?;
        let mut prev = self.head.clone();
        let mut n = 0usize;
        let mut end = start;
        {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, &self.file);
            for row in rows {
                let row = row?;
                self.ledger.check_row(&row)?;
                let line = if self.ledger.chained {
                    let (line, h) = chain_line(&row, &prev);
                    prev = h;
                    line
                } else {
                    encode_row(&row)
                };
                w.write_all(&line).at(&path)?;
                end += line.len() as u64;
                n += 1;
            }
            w.flush().at(&path)?;
        }
        self.file.sync_data().at(&path)?;
        if self.ledger.chained && n > 0 {
            if let Some(a) = anchor::anchor_for(&self.ledger.path) {
                let cp = Checkpoint::make(a.as_ref(), &path, end, &prev)?;
                anchor::append(&path, self.checkpoints_len, &cp)?;
                self.checkpoints_len += cp.line().len() as u64;
            }
        }
        Ok((n, end, prev))
    }

    /// Signs the current head (`verify-registers --anchor`): for an old register that has
    /// rows but no checkpoint yet, after its chain was checked.
    pub fn anchor_now(&mut self) -> Result<bool> {
        let Some(a) = anchor::anchor_for(&self.ledger.path) else {
            return Ok(false);
        };
        if !self.ledger.chained {
            return Ok(false);
        }
        let path = self.ledger.path.clone();
        let cp = Checkpoint::make(a.as_ref(), &path, self.end, &self.head)?;
        anchor::append(&path, self.checkpoints_len, &cp)?;
        self.checkpoints_len += cp.line().len() as u64;
        Ok(true)
    }
}

/// The file, positioned at its start (walks read from the current position).
fn rewind<'f>(f: &'f File, path: &Path) -> Result<&'f File> {
    let mut r = f;
    r.seek(SeekFrom::Start(0)).at(path)?;
    Ok(f)
}

fn nothing_written(e: Error) -> Error {
    match e {
        Error::CheckFailed(m) => Error::CheckFailed(format!(
            "{m}. {}",
            t(
                "Inget skrevs: registret är brutet (kör `dataskydd verify-registers`)",
                "Nothing was written: the register is broken (run `dataskydd verify-registers`)"
            )
        )),
        other => other,
    }
}

/// A chained line's own hash, if it matches the line's bytes.
pub fn row_hash_ok(body: &[u8]) -> Option<String> {
    let cut = memchr::memrchr(b',', body)?;
    let h = sha256_hex(&body[..cut]);
    (h.as_bytes() == &body[cut + 1..]).then_some(h)
}

/// The `prev_hash` field of a chained line.
fn prev_of(line: &[u8]) -> String {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let Some(cut) = memchr::memrchr(b',', body) else {
        return String::new();
    };
    let prefix = &body[..cut];
    let Some(pcut) = memchr::memrchr(b',', prefix) else {
        return String::new();
    };
    String::from_utf8_lossy(&prefix[pcut + 1..]).into_owned()
}

/// The last complete line before `end` (with its newline) and its start offset; a line of
/// any length (read backwards in blocks).
fn last_line(f: &mut File, end: u64, path: &Path) -> Result<(Vec<u8>, u64)> {
    let mut start = end.saturating_sub(1);
    let block = 64 * 1024u64;
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let from = start.saturating_sub(block);
        let mut buf = vec![0u8; (start - from) as usize];
        f.seek(SeekFrom::Start(from)).at(path)?;
        f.read_exact(&mut buf).at(path)?;
        if let Some(p) = memchr::memrchr(b'\n', &buf) {
            let line_start = from + p as u64 + 1;
            let mut line = buf[p + 1..].to_vec();
            line.extend_from_slice(&tail);
            f.seek(SeekFrom::Start(start)).at(path)?;
            let mut nl = [0u8; 1];
            f.read_exact(&mut nl).at(path)?;
            line.push(nl[0]);
            return Ok((line, line_start));
        }
        buf.extend_from_slice(&tail);
        tail = buf;
        if from == 0 {
            f.seek(SeekFrom::Start(start)).at(path)?;
            let mut nl = [0u8; 1];
            f.read_exact(&mut nl).at(path)?;
            tail.push(nl[0]);
            return Ok((tail, 0));
        }
        start = from;
    }
}

/// Reads a register's bytes into rows: the core of [`Ledger::read`] and
/// [`Ledger::for_each`], public for fuzzing. `columns` are without `prev_hash,hash`
/// (added when `chained`, and cut off the rows returned). A torn last line (no newline)
/// is left out; `path` only names the file in messages. The chain is checked.
pub fn parse_rows(bytes: &[u8], path: &Path, columns: &[&str], chained: bool) -> Result<Vec<Row>> {
    let cols: Vec<String> = columns.iter().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    walk(
        bytes,
        &WalkOpts {
            path,
            columns: &cols,
            chained,
            upgradable: false,
            previous: None,
            limit: bytes.len() as u64,
            watch: None,
        },
        |n, f| {
            rows.push(Row {
                line: n,
                fields: f.strings(cols.len()),
            });
            Ok(())
        },
    )?;
    Ok(rows)
}

/// Verifies a chained register's bytes (the chain only: no checkpoints). Public for fuzzing.
pub fn verify_chain(bytes: &[u8], path: &Path) -> Result<VerifyReport> {
    // The columns are whatever the header says.
    let header_end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let mut f = Fields::default();
    split_fields(strip_bom(&bytes[..header_end]), &mut f)
        .map_err(|k| fields_error(k).in_file(path).at_line(1))?;
    if f.len() < 2 {
        return Err(Error::CheckFailed(format!(
            "{}: {} 1",
            path.display(),
            t("rad", "line")
        )));
    }
    let mut cols: Vec<String> = f.strings(f.len());
    cols.truncate(cols.len() - 2);
    let w = walk(
        bytes,
        &WalkOpts {
            path,
            columns: &cols,
            chained: true,
            upgradable: false,
            previous: None,
            limit: bytes.len() as u64,
            watch: None,
        },
        |_, _| Ok(()),
    )?;
    Ok(VerifyReport {
        rows: w.rows,
        torn_bytes: w.torn.map(|(_, b)| b).unwrap_or(0),
        last_hash: w.head,
        ..Default::default()
    })
}

/// Builds a chained line: `fields…,prev_hash,hash\n`.
fn chain_line(row: &[String], prev: &str) -> (Vec<u8>, String) {
    let mut with_prev: Vec<&str> = row.iter().map(String::as_str).collect();
    with_prev.push(prev);
    let mut line = encode_row(&with_prev);
    line.pop(); // the newline
    let hash = sha256_hex(&line);
    line.push(b',');
    line.extend_from_slice(hash.as_bytes());
    line.push(b'\n');
    (line, hash)
}

/// Rejects what would break the one-record-one-line rule, and values longer than
/// [`MAX_FIELD`] bytes (so no value can make a register unwieldy).
pub fn check_field(v: &str) -> Result<()> {
    if v.len() > MAX_FIELD {
        return Err(Error::input(t(
            &format!(
                "värdet är {} byte långt; högst {MAX_FIELD} byte får plats i ett register (korta texten, eller hänvisa till en handling med dess diarienummer)",
                v.len()
            ),
            &format!(
                "the value is {} bytes long; at most {MAX_FIELD} bytes fit in a register (shorten the text, or refer to a document by its registration number)",
                v.len()
            ),
        )));
    }
    if v.chars()
        .any(|c| c == '\n' || c == '\r' || (c.is_control() && c != '\t'))
    {
        return Err(Error::input(t(
            "värdet får inte innehålla radbrytningar eller styrtecken",
            "the value may not contain line breaks or control characters",
        )));
    }
    Ok(())
}

/// RFC 4180 encoding of one row, terminated by `\n`.
pub fn encode_row<S: AsRef<str>>(fields: &[S]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::with_capacity(256));
    // Writing to a Vec cannot fail.
    w.write_record(fields.iter().map(|f| f.as_ref()))
        .expect("write to memory");
    w.into_inner().expect("flush to memory")
}

/// Decodes one physical line (no newline) into fields.
pub fn decode_row(line: &[u8]) -> Result<Vec<String>> {
    let mut f = Fields::default();
    split_fields(line, &mut f).map_err(fields_error)?;
    Ok(f.strings(f.len()))
}

pub fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

pub fn torn_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".torn");
    PathBuf::from(s)
}

pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest(&SHA256, bytes).as_ref())
}

/// SHA-256 of a file's bytes, streamed (an import's identity).
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = files::open_read(path).map_err(|e| files::open_error(path, e))?;
    let mut ctx = Context::new(&SHA256);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).at(path)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
    }
    Ok(hex(ctx.finish().as_ref()))
}

/// Length of the file up to and including its last newline (scanning back in blocks, so
/// a torn line of any length is found).
pub fn complete_len(f: &mut File, path: &Path) -> Result<u64> {
    let len = f.seek(SeekFrom::End(0)).at(path)?;
    let mut pos = len;
    let mut buf = vec![0u8; 64 * 1024];
    while pos > 0 {
        let start = pos.saturating_sub(buf.len() as u64);
        let n = (pos - start) as usize;
        f.seek(SeekFrom::Start(start)).at(path)?;
        f.read_exact(&mut buf[..n]).at(path)?;
        if let Some(p) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(start + p as u64 + 1);
        }
        pos = start;
    }
    Ok(0)
}

/// Counts lines before `end` (for the line number of the next row).
fn count_lines(f: &mut File, end: u64, path: &Path) -> Result<usize> {
    f.seek(SeekFrom::Start(0)).at(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = end;
    let mut n = 0;
    while left > 0 {
        let want = (buf.len() as u64).min(left) as usize;
        f.read_exact(&mut buf[..want]).at(path)?;
        n += memchr::memchr_iter(b'\n', &buf[..want]).count();
        left -= want as u64;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger(dir: &Path) -> Ledger {
        Ledger::new(dir.join("r.csv"), &["id", "text"], true)
    }

    #[test]
    fn append_read_verify() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        l.append(&[vec!["1".into(), "å, ä \"ö\"".into()]]).unwrap();
        let r = l
            .append(&[vec!["2".into(), "b".into()], vec!["3".into(), "c".into()]])
            .unwrap();
        assert_eq!(r.first_line, 3);
        let rows = l.read().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].fields, vec!["1", "å, ä \"ö\""]);
        assert_eq!(rows[2].line, 4);
        assert_eq!(l.verify().unwrap().rows, 3);
    }

    #[test]
    fn tamper_is_found_at_its_line() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        for i in 0..5 {
            l.append(&[vec![i.to_string(), "x".into()]]).unwrap();
        }
        let s = std::fs::read_to_string(&l.path).unwrap();
        std::fs::write(&l.path, s.replacen("3,x", "3,y", 1)).unwrap();
        let e = l.verify().unwrap_err().to_string();
        assert!(e.contains("5"), "{e}");
    }

    #[test]
    fn deleted_row_breaks_chain_at_next() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        for i in 0..4 {
            l.append(&[vec![i.to_string(), "x".into()]]).unwrap();
        }
        let s = std::fs::read_to_string(&l.path).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        let without: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 2)
            .map(|(_, l)| *l)
            .collect();
        std::fs::write(&l.path, without.join("\n") + "\n").unwrap();
        let e = l.verify().unwrap_err().to_string();
        assert!(e.contains("rad 3") || e.contains("line 3"), "{e}");
    }

    #[test]
    fn torn_line_is_repaired_and_kept_aside() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        l.append(&[vec!["1".into(), "a".into()]]).unwrap();
        let before = std::fs::read(&l.path).unwrap();
        let mut torn = before.clone();
        torn.extend_from_slice(b"2,half-writ");
        std::fs::write(&l.path, &torn).unwrap();
        assert_eq!(l.read().unwrap().len(), 1);
        assert_eq!(l.verify().unwrap().torn_bytes, 11);
        let r = l.append(&[vec!["2".into(), "b".into()]]).unwrap();
        assert_eq!(r.repaired_torn_bytes, 11);
        let after = std::fs::read(&l.path).unwrap();
        assert!(after.starts_with(&before));
        assert_eq!(l.verify().unwrap().rows, 2);
        assert_eq!(
            std::fs::read_to_string(torn_path(&l.path)).unwrap(),
            "2,half-writ\n"
        );
    }

    #[test]
    fn line_breaks_in_fields_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        let e = l.append(&[vec!["1".into(), "a\nb".into()]]).unwrap_err();
        assert!(e.to_string().contains("text"));
        assert!(!l.path.exists());
    }

    #[test]
    fn concurrent_writers_keep_the_chain() {
        let d = tempfile::tempdir().unwrap();
        let l = ledger(d.path());
        l.create().unwrap();
        std::thread::scope(|s| {
            for w in 0..8 {
                let l = l.clone();
                s.spawn(move || {
                    for i in 0..50 {
                        l.append(&[vec![format!("{w}-{i}"), "x".into()]]).unwrap();
                    }
                });
            }
        });
        assert_eq!(l.verify().unwrap().rows, 400);
    }
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    #[test]
    fn fast_path_matches_the_csv_reader() {
        for row in [
            vec!["a", "", "b;c", "2026-11-20T10:00:00+01:00"],
            vec!["", ""],
            vec!["å ä ö", "x y"],
            vec!["with, comma", "with \"quote\""],
        ] {
            let line = encode_row(&row);
            let decoded = decode_row(line.strip_suffix(b"\n").unwrap()).unwrap();
            assert_eq!(decoded, row);
        }
    }

    #[test]
    fn field_count_matches_the_field_reader() {
        let mut lines: Vec<Vec<u8>> = [
            &b""[..],
            b"\r",
            b"a",
            b",",
            b"a,",
            b",a",
            b"\"\"",
            b"\"a\"b",
            b"a\"b",
            b"\"a\"\"b\",c",
            b"\"",
            b"\"a,b\",\"c\"",
            b"\"a\",",
            b"x,\"y\"\r",
            b"\xff,a",
            b"\"\xc3\xa5\",\"",
        ]
        .iter()
        .map(|l| l.to_vec())
        .collect();
        // Every line of up to 6 bytes from a small alphabet.
        let alphabet = [b'a', b',', b'"', b'\r', 0xc3];
        let mut frontier = vec![Vec::new()];
        for _ in 0..6 {
            let mut next = Vec::new();
            for l in &frontier {
                for &c in &alphabet {
                    let mut m: Vec<u8> = l.clone();
                    m.push(c);
                    next.push(m);
                }
            }
            lines.extend(next.iter().cloned());
            frontier = next;
        }
        let mut f = Fields::default();
        for l in &lines {
            let want = split_fields(l, &mut f).map(|_| f.len());
            assert_eq!(count_fields(l), want, "{:?}", String::from_utf8_lossy(l));
        }
    }

    /// The parallel verify pass says exactly what the walk says (the same error, or the
    /// same rows, head, torn line and checkpoint offset) for every kind of damage, whatever
    /// the block size.
    #[test]
    fn parallel_verify_matches_the_walk() {
        let d = tempfile::tempdir().unwrap();
        let l = Ledger::new(d.path().join("r.csv"), &["id", "text"], true);
        let rows: Vec<Vec<String>> = (0..40)
            .map(|i| vec![i.to_string(), format!("text \"{i}\", more")])
            .collect();
        l.append(&rows).unwrap();
        let good = std::fs::read(&l.path).unwrap();
        let starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', &good).map(|p| p + 1))
            .collect();
        let mut variants: Vec<Vec<u8>> = vec![good.clone()];
        for (k, &s) in starts.iter().enumerate().take(starts.len() - 1) {
            let e = starts[k + 1];
            for at in [s, s + 1, (s + e) / 2, e - 3, e - 2, e - 1] {
                for b in [b'x', b',', b'"', b'\n', 0xff] {
                    let mut v = good.clone();
                    v[at] = b;
                    variants.push(v);
                }
            }
            let mut v = good.clone();
            v.drain(s..e);
            variants.push(v);
            let mut v = good.clone();
            v.insert(s, b'\n');
            variants.push(v);
            variants.push(good[..e - 1].to_vec());
            variants.push(good[..s + 3].to_vec());
        }
        let cols = vec!["id".to_string(), "text".to_string()];
        for v in &variants {
            for watch in [None, Some(starts[1] as u64), Some(starts[7] as u64)] {
                let o = WalkOpts {
                    path: Path::new("r.csv"),
                    columns: &cols,
                    chained: true,
                    upgradable: false,
                    previous: None,
                    limit: v.len() as u64,
                    watch,
                };
                let want = walk(&v[..], &o, |_, _| Ok(()));
                for block in [1, 50, 200, 1000, 1 << 20] {
                    let got = verify_walk_blocks(std::io::Cursor::new(v), &o, block);
                    match (&want, &got) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(
                                (
                                    a.rows,
                                    &a.head,
                                    a.end,
                                    a.torn,
                                    &a.watched,
                                    a.line_after_watch
                                ),
                                (
                                    b.rows,
                                    &b.head,
                                    b.end,
                                    b.torn,
                                    &b.watched,
                                    b.line_after_watch
                                ),
                                "block {block}"
                            );
                        }
                        (Err(a), Err(b)) => {
                            assert_eq!(a.to_string(), b.to_string(), "block {block}");
                            assert_eq!(a.exit_code(), b.exit_code());
                        }
                        _ => panic!(
                            "block {block}: walk {:?}, parallel {:?}\n{}",
                            want.as_ref().map(|w| w.rows),
                            got.as_ref().map(|w| w.rows),
                            String::from_utf8_lossy(v)
                        ),
                    }
                }
            }
        }
    }
}
