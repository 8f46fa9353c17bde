//! A sidecar index of `consents.csv` (`consents.csv.index`): lookups by subject and consent
//! id without a full parse of the register.
//!
//! The CSV stays the source of truth and the evidence; the index is derived from it and
//! never trusted on its own: it records the register length and chain head it was built
//! from, and each entry the row's line and the first bytes of its hash as verified when it
//! was built. A lookup checks the last signed checkpoint, that the register still ends in
//! the indexed head followed by a chain of newer rows up to the checkpoint (those rows are
//! read too: someone else's append), and that every row it returns still has the hash the
//! index saw. Missing, damaged, stale (the register shrank, the head differs) or too far
//! behind: it is rebuilt by one verified pass over the register, which finds any tampering
//! and names its line. Why a sidecar file rather than SQLite: no new dependency, one file
//! the tool alone writes (0600, atomic rename), and entries are fixed-size and sorted, so a
//! lookup is a binary search of ~20 reads at 10M rows.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};
use crate::ledger::{self, files, Fields, Ledger};

const MAGIC: &[u8; 8] = b"dsidx01\n";
const HEADER: usize = 8 + 8 + 8 + 64 + 8;
const ENTRY: usize = 24;
/// Rows after the indexed end read directly before the index is rebuilt.
pub const TAIL_LIMIT: u64 = 8 << 20;

pub fn index_path(register: &Path) -> PathBuf {
    let mut s = register.as_os_str().to_owned();
    s.push(".index");
    PathBuf::from(s)
}

/// The key of a looked-up value: `kind` is `b's'` (subject) or `b'i'` (consent id).
pub fn key(kind: u8, value: &[u8]) -> u64 {
    let mut c = ring::digest::Context::new(&ring::digest::SHA256);
    c.update(&[kind]);
    c.update(value);
    let d = c.finish();
    u64::from_le_bytes(d.as_ref()[..8].try_into().expect("8 bytes"))
}

fn hash_prefix(hex_hash: &[u8]) -> u32 {
    let mut v = 0u32;
    for &b in hex_hash.iter().take(8) {
        v = v << 4 | (b as char).to_digit(16).unwrap_or(0);
    }
    v
}

struct Header {
    covered: u64,
    lines: u64,
    head: String,
    n: u64,
}

fn read_header(f: &mut File) -> Option<Header> {
    let mut h = [0u8; HEADER];
    f.seek(SeekFrom::Start(0)).ok()?;
    f.read_exact(&mut h).ok()?;
    if &h[..8] != MAGIC {
        return None;
    }
    let covered = u64::from_le_bytes(h[8..16].try_into().ok()?);
    let lines = u64::from_le_bytes(h[16..24].try_into().ok()?);
    let head = String::from_utf8(h[24..88].to_vec()).ok()?;
    let n = u64::from_le_bytes(h[88..96].try_into().ok()?);
    let len = f.metadata().ok()?.len();
    if len != HEADER as u64 + n * ENTRY as u64 {
        return None;
    }
    Some(Header {
        covered,
        lines,
        head,
        n,
    })
}

/// Builds the index from one verified pass over the register (errors name the line).
pub fn build(ledger: &Ledger, key_cols: &[(u8, usize)]) -> Result<()> {
    let mut entries: Vec<(u64, u64, u32, u32)> = Vec::new();
    let mut covered = 0u64;
    let mut lines = 0u64;
    let mut head = String::new();
    ledger.for_each_fields(|line, f| {
        for &(kind, col) in key_cols {
            if col < f.len() && !f.get(col).is_empty() {
                entries.push((
                    key(kind, f.get(col)),
                    f.offset(),
                    line as u32,
                    hash_prefix(f.hash().as_bytes()),
                ));
            }
        }
        covered = f.end();
        lines = line as u64;
        if head.len() != 64 {
            head = String::with_capacity(64);
        }
        head.clear();
        head.push_str(f.hash());
        Ok(())
    })?;
    if head.len() != 64 {
        return Ok(());
    }
    entries.sort_unstable();
    let path = index_path(&ledger.path);
    let tmp = files::temp_name(&path);
    let mut out =
        std::io::BufWriter::new(files::create_new(&tmp).map_err(|e| files::open_error(&tmp, e))?);
    let res = (|| -> std::io::Result<()> {
        out.write_all(MAGIC)?;
        out.write_all(&covered.to_le_bytes())?;
        out.write_all(&lines.to_le_bytes())?;
        out.write_all(head.as_bytes())?;
        out.write_all(&(entries.len() as u64).to_le_bytes())?;
        for (k, o, l, h) in &entries {
            out.write_all(&k.to_le_bytes())?;
            out.write_all(&o.to_le_bytes())?;
            out.write_all(&l.to_le_bytes())?;
            out.write_all(&h.to_le_bytes())?;
        }
        out.flush()?;
        out.get_ref().sync_data()
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&tmp, e));
    }
    std::fs::rename(&tmp, &path).at(&path)?;
    Ok(())
}

/// The rows with any of `keys`, each verified, in register order; `None` when the index
/// cannot be used as it is (the caller rebuilds it or scans).
pub fn lookup(
    ledger: &Ledger,
    keys: &[u64],
    f: impl FnMut(usize, &Fields) -> Result<()>,
) -> Result<Option<()>> {
    lookup_held(ledger, keys, false, f)
}

/// [`lookup`]; `held`: the caller holds the register's write lock (a [`ledger::Tx`]), so
/// no lock is taken here.
pub fn lookup_held(
    ledger: &Ledger,
    keys: &[u64],
    held: bool,
    f: impl FnMut(usize, &Fields) -> Result<()>,
) -> Result<Option<()>> {
    lookup_with(
        ledger,
        &Query {
            all: keys,
            last: &[],
            held,
            tail_limit: |_| TAIL_LIMIT,
        },
        f,
    )
}

/// What [`lookup_with`] looks up.
pub struct Query<'a> {
    /// Every indexed row with one of these keys.
    pub all: &'a [u64],
    /// Only the last indexed row with each of these keys (e.g. the newest action opened:
    /// its id is the highest given out so far).
    pub last: &'a [u64],
    /// The caller holds the register's write lock: none is taken here.
    pub held: bool,
    /// How many bytes after the indexed end are read directly (given the indexed length)
    /// before the index is taken as too far behind and rebuilt.
    pub tail_limit: fn(u64) -> u64,
}

/// The tail limit for a register that grows by a few KB per write and is read on every
/// write (the action register: one `assess` appends ~2 KB): reading a tail of `L` bytes
/// on every write against one full rebuild every `L / 4 KB` writes costs least, per write,
/// at `L = √(2 · 4 KB · covered)`; never below 64 KB.
pub fn balanced_tail(covered: u64) -> u64 {
    ((2 * 4096 * covered) as f64).sqrt().max(65536.0) as u64
}

/// [`lookup_with`], building the index from `key_cols` first when it cannot be used as it
/// is. False when even a new index cannot serve (a register with nothing to index, an
/// unchained one): the caller scans. `f` is called only by a lookup that succeeds, so no
/// state of the caller's needs resetting between the two tries.
pub fn lookup_or_build(
    ledger: &Ledger,
    key_cols: &[(u8, usize)],
    q: &Query,
    mut f: impl FnMut(usize, &Fields) -> Result<()>,
) -> Result<bool> {
    if lookup_with(ledger, q, &mut f)?.is_some() {
        return Ok(true);
    }
    build(ledger, key_cols)?;
    Ok(lookup_with(ledger, q, &mut f)?.is_some())
}

/// The rows the query selects, each verified, in register order, followed by every row
/// after the indexed end (those not indexed yet: the caller filters them). `None` when the
/// index cannot be used as it is (the caller rebuilds it or scans).
pub fn lookup_with(
    ledger: &Ledger,
    q: &Query,
    mut f: impl FnMut(usize, &Fields) -> Result<()>,
) -> Result<Option<()>> {
    let held = q.held;
    let ipath = index_path(&ledger.path);
    let mut ix = match files::open_read(&ipath) {
        Ok(f) => f,
        Err(_) => return Ok(None),
    };
    let Some(h) = read_header(&mut ix) else {
        return Ok(None);
    };
    let Some(tail) = ledger.tail_after_held(
        h.covered,
        h.lines as usize,
        &h.head,
        (q.tail_limit)(h.covered),
        held,
    )?
    else {
        return Ok(None);
    };
    let mut reg = files::open_read(&ledger.path).map_err(|e| files::open_error(&ledger.path, e))?;
    if !held {
        reg.lock_shared().at(&ledger.path)?;
    }
    let mut hits: Vec<(u64, u32, u32)> = Vec::new();
    // The first entry whose key is not below `k` (entries are sorted by key, then offset).
    let lower_bound = |ix: &mut File, k: u64, strict: bool| -> Result<u64> {
        let (mut lo, mut hi) = (0u64, h.n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let e = entry(ix, mid).at(&ipath)?.0;
            if e < k || (strict && e == k) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    };
    for &k in q.all {
        let mut i = lower_bound(&mut ix, k, false)?;
        while i < h.n {
            let e = entry(&mut ix, i).at(&ipath)?;
            if e.0 != k {
                break;
            }
            hits.push((e.1, e.2, e.3));
            i += 1;
        }
    }
    for &k in q.last {
        let end = lower_bound(&mut ix, k, true)?;
        if end > 0 {
            let e = entry(&mut ix, end - 1).at(&ipath)?;
            if e.0 == k {
                hits.push((e.1, e.2, e.3));
            }
        }
    }
    hits.sort_unstable();
    hits.dedup();
    let mut fields = Fields::default();
    let mut line = Vec::new();
    for (offset, n, hp) in hits {
        reg.seek(SeekFrom::Start(offset)).at(&ledger.path)?;
        line.clear();
        BufReader::new((&reg).take(1 << 20))
            .read_until(b'\n', &mut line)
            .at(&ledger.path)?;
        let body = line.strip_suffix(b"\n").unwrap_or(&line);
        let ok = ledger::row_hash_ok(body).is_some_and(|h| hash_prefix(h.as_bytes()) == hp);
        if !ok {
            return Err(Error::CheckFailed(format!(
                "{}: {} {n}: {}",
                ledger.path.display(),
                crate::i18n::t("rad", "line"),
                crate::i18n::t(
                    "raden har ändrats efter att den skrevs (den stämmer inte med vad som kontrollerades tidigare)",
                    "the row was changed after it was written (it does not match what was checked before)"
                )
            )));
        }
        ledger.split_row(body, &mut fields)?;
        f(n as usize, &fields)?;
    }
    for (n, row) in tail {
        ledger.split_row(&row, &mut fields)?;
        f(n, &fields)?;
    }
    Ok(Some(()))
}

fn entry(f: &mut File, i: u64) -> std::io::Result<(u64, u64, u32, u32)> {
    let mut b = [0u8; ENTRY];
    f.seek(SeekFrom::Start(HEADER as u64 + i * ENTRY as u64))?;
    f.read_exact(&mut b)?;
    Ok((
        u64::from_le_bytes(b[0..8].try_into().expect("8")),
        u64::from_le_bytes(b[8..16].try_into().expect("8")),
        u32::from_le_bytes(b[16..20].try_into().expect("4")),
        u32::from_le_bytes(b[20..24].try_into().expect("4")),
    ))
}
