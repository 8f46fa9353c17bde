//! Append-only CSV registers on disk: file locking, fsync, torn-line repair and an
//! optional SHA-256 hash chain.
//!
//! Every register (accounts, consents, publications, breaches) is one of these. The rules
//! that make them evidence live here once:
//! - a writer takes an exclusive `flock` on the file, so concurrent processes never
//!   interleave rows or break the chain;
//! - all rows of one append go out in one `write_all`, followed by `sync_data`, so a
//!   crash leaves at most one torn (unterminated) last line;
//! - a torn last line is found on the next write, moved aside to `FILE.torn` (nothing the
//!   user entered is thrown away) and reported; rows before it are never touched;
//! - a chained ledger ends every row with `prev_hash,hash`: `hash` is the SHA-256 of the
//!   row's exact bytes up to the comma before it (which include `prev_hash`), and the
//!   first row's `prev_hash` is the SHA-256 of the header line. A change to any byte of any
//!   row, or of the header, breaks the chain at that line.
//!
//! Fields may not hold line breaks, so one record is one physical line and "line N" in a
//! message is the line an editor shows.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ring::digest::{digest, SHA256};

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;

pub const PREV_HASH: &str = "prev_hash";
pub const HASH: &str = "hash";

#[derive(Debug, Clone)]
pub struct Ledger {
    pub path: PathBuf,
    /// Column names, without `prev_hash,hash` (added when chained).
    pub columns: Vec<String>,
    pub chained: bool,
    /// Whether `append` reports the line number of the first row written (that costs a
    /// read of the whole file; large registers turn it off with [`Ledger::unnumbered`]).
    pub numbered: bool,
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
    /// Line number of the first row written (0 for an [`Ledger::unnumbered`] ledger).
    pub first_line: usize,
}

impl Ledger {
    pub fn new(path: impl Into<PathBuf>, columns: &[&str], chained: bool) -> Ledger {
        Ledger {
            path: path.into(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            chained,
            numbered: true,
        }
    }

    /// Appends without counting lines (`AppendReport::first_line` is 0): one append then
    /// costs the same on a register of ten rows as on one of ten million.
    pub fn unnumbered(mut self) -> Ledger {
        self.numbered = false;
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

    /// Creates the file with its header, owner-readable only. Does nothing if it exists.
    pub fn create(&self) -> Result<()> {
        if self.path.exists() {
            return Ok(());
        }
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = match opts.open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        f.lock().at(&self.path)?;
        f.write_all(&self.header_line()).at(&self.path)?;
        f.sync_all().at(&self.path)?;
        Ok(())
    }

    /// Appends rows (each without `prev_hash,hash`; they are computed here).
    ///
    /// Validates every field first; on any error nothing is written.
    pub fn append(&self, rows: &[Vec<String>]) -> Result<AppendReport> {
        for (i, row) in rows.iter().enumerate() {
            if row.len() != self.columns.len() {
                return Err(Error::input(format!(
                    "internal: row {i} has {} fields, {} expected",
                    row.len(),
                    self.columns.len()
                )));
            }
            for (c, v) in row.iter().enumerate() {
                check_field(v).map_err(|e| e.field(&self.columns[c]))?;
            }
        }
        self.create()?;
        let mut f = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .at(&self.path)?;
        f.lock().at(&self.path)?;
        let mut report = AppendReport::default();
        let (len, tail) = read_tail(&mut f, &self.path)?;
        let mut end = len;
        if len > 0 && !tail.ends_with(b"\n") {
            // A crash mid-write left an unterminated line: keep its bytes aside, cut it off.
            let start = tail
                .iter()
                .rposition(|&b| b == b'\n')
                .map(|p| p + 1)
                .unwrap_or(0);
            let torn = &tail[start..];
            let torn_path = torn_path(&self.path);
            let mut side = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&torn_path)
                .at(&torn_path)?;
            side.write_all(torn).at(&torn_path)?;
            side.write_all(b"\n").at(&torn_path)?;
            side.sync_all().at(&torn_path)?;
            end = len - torn.len() as u64;
            f.set_len(end).at(&self.path)?;
            report.repaired_torn_bytes = torn.len();
        }
        if end == 0 {
            f.write_all(&self.header_line()).at(&self.path)?;
            end = self.header_line().len() as u64;
        }
        let mut prev = if self.chained {
            last_hash(&mut f, end, &self.path)?
        } else {
            String::new()
        };
        if self.numbered {
            report.first_line = count_lines(&mut f, end, &self.path)? + 1;
        }
        let mut buf = Vec::with_capacity(rows.len() * 200);
        for row in rows {
            if self.chained {
                let (line, hash) = chain_line(row, &prev);
                buf.extend_from_slice(&line);
                prev = hash;
            } else {
                buf.extend_from_slice(&encode_row(row));
            }
        }
        f.seek(SeekFrom::Start(end)).at(&self.path)?;
        if let Err(e) = f.write_all(&buf).and_then(|_| f.sync_data()) {
            // A full disk or an I/O error: cut back to where we started, so the register
            // is exactly as it was (no half row for the next reader).
            let _ = f.set_len(end);
            let _ = f.sync_data();
            return Err(Error::io(&self.path, e));
        }
        Ok(report)
    }

    /// Reads every row, checking the header and each row's column count.
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

    /// Streams the rows to `f` without holding the whole file as rows.
    pub fn for_each(&self, f: impl FnMut(Row) -> Result<()>) -> Result<()> {
        let bytes = match self.read_bytes()? {
            Some(b) => b,
            None => return Ok(()),
        };
        let columns: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        if let Some(n) = each_row(&bytes, &self.path, &columns, self.chained, f)? {
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
        Ok(())
    }

    /// Checks the hash chain from the header to the last row.
    ///
    /// `Err(Error::CheckFailed)` names the first line that fails.
    pub fn verify(&self) -> Result<VerifyReport> {
        let bytes = match self.read_bytes()? {
            Some(b) => b,
            None => return Ok(VerifyReport::default()),
        };
        verify_chain(&bytes, &self.path)
    }

    fn read_bytes(&self) -> Result<Option<Vec<u8>>> {
        let mut f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        f.lock_shared().at(&self.path)?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).at(&self.path)?;
        Ok(Some(bytes))
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub rows: usize,
    /// Bytes after the last newline (a torn line awaiting repair).
    pub torn_bytes: usize,
    pub last_hash: String,
}

/// Reads a register's bytes into rows: the core of [`Ledger::read`] and
/// [`Ledger::for_each`], public for fuzzing. `columns` are without `prev_hash,hash`
/// (added when `chained`, and cut off the rows returned). A torn last line (no newline)
/// is left out; `path` only names the file in messages.
pub fn parse_rows(bytes: &[u8], path: &Path, columns: &[&str], chained: bool) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    each_row(bytes, path, columns, chained, |r| {
        rows.push(r);
        Ok(())
    })?;
    Ok(rows)
}

/// Streams the rows of a register's bytes to `f`; returns the line number of a torn last
/// line, if there is one (the caller decides whether to mention it).
fn each_row(
    bytes: &[u8],
    path: &Path,
    columns: &[&str],
    chained: bool,
    mut f: impl FnMut(Row) -> Result<()>,
) -> Result<Option<usize>> {
    let mut names: Vec<&str> = columns.to_vec();
    if chained {
        names.push(PREV_HASH);
        names.push(HASH);
    }
    let mut lines = split_lines(bytes);
    let header = match lines.next() {
        Some(h) => h,
        None => return Ok(None),
    };
    let header_fields = decode_row(strip_bom(header)).map_err(|e| e.in_file(path).at_line(1))?;
    if header_fields != names {
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
        return Err(Error::input(msg).in_file(path).at_line(1));
    }
    for (i, (line, terminated)) in lines.enumerate_terminated() {
        let n = i + 2;
        if !terminated {
            return Ok(Some(n));
        }
        if line.is_empty() {
            continue;
        }
        let mut fields = decode_row(line).map_err(|e| e.in_file(path).at_line(n))?;
        if fields.len() != names.len() {
            return Err(Error::input(t(
                &format!("raden har {} fält, {} väntades", fields.len(), names.len()),
                &format!(
                    "the row has {} fields, {} expected",
                    fields.len(),
                    names.len()
                ),
            ))
            .in_file(path)
            .at_line(n));
        }
        if chained {
            fields.truncate(columns.len());
        }
        f(Row { line: n, fields })?;
    }
    Ok(None)
}

/// Verifies a chained register's bytes. Public for fuzzing.
pub fn verify_chain(bytes: &[u8], path: &Path) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();
    let mut lines = split_lines(bytes);
    let header = match lines.next() {
        Some(h) => h,
        None => return Ok(report),
    };
    let mut prev = hex(digest(&SHA256, &with_newline(header)).as_ref());
    let fail = |line: usize, sv: &str, en: &str| {
        Err(Error::CheckFailed(format!(
            "{}: {} {line}: {}",
            path.display(),
            t("rad", "line"),
            t(sv, en)
        )))
    };
    let mut rows: Vec<&[u8]> = Vec::new();
    for (_, (line, terminated)) in lines.enumerate_terminated() {
        if !terminated {
            report.torn_bytes = line.len();
            break;
        }
        rows.push(line);
    }
    // Each row's own hash does not depend on the others: hash them in parallel, then walk
    // the chain in order so the first failing line is the one named.
    use rayon::prelude::*;
    let hashes: Vec<Option<[u8; 32]>> = rows
        .par_iter()
        .with_min_len(4096)
        .map(|line| {
            let cut = line.iter().rposition(|&b| b == b',')?;
            let mut h = [0u8; 32];
            h.copy_from_slice(digest(&SHA256, &line[..cut]).as_ref());
            Some(h)
        })
        .collect();
    for (i, line) in rows.iter().enumerate() {
        let n = i + 2;
        let Some(cut) = line.iter().rposition(|&b| b == b',') else {
            return fail(n, "raden saknar kedjesumma", "the row has no chain hash");
        };
        let (prefix, hash) = (&line[..cut], &line[cut + 1..]);
        let Some(pcut) = prefix.iter().rposition(|&b| b == b',') else {
            return fail(
                n,
                "raden saknar föregående summa",
                "the row has no previous hash",
            );
        };
        if &prefix[pcut + 1..] != prev.as_bytes() {
            return fail(
                n,
                "kedjan är bruten: föregående rad har ändrats, tagits bort eller flyttats",
                "the chain is broken: the previous row was changed, removed or moved",
            );
        }
        let computed = hex(hashes[i].as_ref().expect("a row with a comma has a hash"));
        if computed.as_bytes() != hash {
            return fail(
                n,
                "raden har ändrats efter att den skrevs (summan stämmer inte)",
                "the row was changed after it was written (its hash does not match)",
            );
        }
        prev = computed;
        report.rows += 1;
    }
    report.last_hash = prev;
    Ok(report)
}

fn with_newline(line: &[u8]) -> Vec<u8> {
    let mut v = line.to_vec();
    v.push(b'\n');
    v
}

/// Builds a chained line: `fields…,prev_hash,hash\n`.
fn chain_line(row: &[String], prev: &str) -> (Vec<u8>, String) {
    let mut with_prev: Vec<String> = row.to_vec();
    with_prev.push(prev.to_string());
    let mut line = encode_row(&with_prev);
    line.pop(); // the newline
    let hash = hex(digest(&SHA256, &line).as_ref());
    line.push(b',');
    line.extend_from_slice(hash.as_bytes());
    line.push(b'\n');
    (line, hash)
}

/// Rejects what would break the one-record-one-line rule.
pub fn check_field(v: &str) -> Result<()> {
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
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // Fast path: without quotes, RFC 4180 fields are the bytes between commas (building a
    // csv reader per line dominates reading a large register).
    if !line.contains(&b'"') {
        if let Ok(s) = std::str::from_utf8(line) {
            if s.is_empty() {
                return Ok(Vec::new());
            }
            return Ok(s.split(',').map(str::to_string).collect());
        }
    }
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let mut rec = csv::StringRecord::new();
    match r.read_record(&mut rec) {
        Ok(true) => Ok(rec.iter().map(|s| s.to_string()).collect()),
        Ok(false) => Ok(Vec::new()),
        Err(e) => Err(Error::input(match e.kind() {
            csv::ErrorKind::Utf8 { .. } => {
                t("raden är inte giltig UTF-8", "the row is not valid UTF-8")
            }
            _ => format!(
                "{} ({e})",
                t("raden är inte giltig CSV", "the row is not valid CSV")
            ),
        })),
    }
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

/// Iterates physical lines; the flag says whether the line ended with `\n`.
struct Lines<'a> {
    rest: &'a [u8],
}

fn split_lines(bytes: &[u8]) -> Lines<'_> {
    Lines { rest: bytes }
}

impl<'a> Lines<'a> {
    fn next_terminated(&mut self) -> Option<(&'a [u8], bool)> {
        if self.rest.is_empty() {
            return None;
        }
        match memchr_nl(self.rest) {
            Some(p) => {
                let line = &self.rest[..p];
                self.rest = &self.rest[p + 1..];
                Some((line, true))
            }
            None => {
                let line = self.rest;
                self.rest = &[];
                Some((line, false))
            }
        }
    }

    fn enumerate_terminated(self) -> impl Iterator<Item = (usize, (&'a [u8], bool))> {
        let mut me = self;
        std::iter::from_fn(move || me.next_terminated()).enumerate()
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        self.next_terminated().map(|(l, _)| l)
    }
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', b)
}

/// Reads up to the last 64 KiB of the file.
fn read_tail(f: &mut File, path: &Path) -> Result<(u64, Vec<u8>)> {
    let len = f.seek(SeekFrom::End(0)).at(path)?;
    let start = len.saturating_sub(64 * 1024);
    f.seek(SeekFrom::Start(start)).at(path)?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).at(path)?;
    Ok((len, tail))
}

/// The hash of the last complete row (or of the header when there are no rows).
fn last_hash(f: &mut File, end: u64, path: &Path) -> Result<String> {
    let start = end.saturating_sub(64 * 1024);
    f.seek(SeekFrom::Start(start)).at(path)?;
    let mut buf = vec![0; (end - start) as usize];
    f.read_exact(&mut buf).at(path)?;
    let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
    let line_start = body.iter().rposition(|&b| b == b'\n').map(|p| p + 1);
    let last = match line_start {
        Some(p) => &body[p..],
        None if start == 0 => body,
        None => return Err(Error::input("a register row is longer than 64 KiB").in_file(path)),
    };
    let is_header = line_start.is_none() && start == 0;
    if is_header {
        return Ok(sha256_hex(&with_newline(last)));
    }
    let cut = last.iter().rposition(|&b| b == b',').unwrap_or(0);
    let h = &last[(cut + 1).min(last.len())..];
    if h.len() != 64 || !h.iter().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::input(t(
            "sista raden har ingen giltig kedjesumma; kör `verify` för registret",
            "the last row has no valid chain hash; run `verify` on the register",
        ))
        .in_file(path));
    }
    Ok(String::from_utf8_lossy(h).into_owned())
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
        n += buf[..want].iter().filter(|&&b| b == b'\n').count();
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
}
