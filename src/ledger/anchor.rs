//! Signed checkpoints: the chain's head, signed with the workspace key, after every write.
//!
//! A hash chain alone proves only that nobody changed a row *without recomputing the
//! hashes after it*; anyone who can write the file can recompute SHA-256. A checkpoint
//! (`REGISTER.checkpoints`, one line per write) says "the first BYTES bytes of this
//! register end in HEAD", signed with ECDSA P-256 by the workspace's signing key. Without
//! the key, nobody can make a checkpoint: an edited, forged or recomputed row before the
//! last checkpoint no longer leads to its head, and a register cut below the last
//! checkpoint is missing bytes a signature vouches for — tampering, not a crash.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_ASN1};

use super::files;
use crate::error::{Error, IoContext, Result};

/// Who signs checkpoints and whose signatures count. The CLI installs one for the
/// workspace it opens (the workspace key; trusted: the certificates in `keys/`).
pub trait Anchor: Send + Sync {
    /// Signs `msg`: returns the signer's public key (SEC1, uncompressed) and the ASN.1 DER
    /// ECDSA P-256 SHA-256 signature.
    fn sign(&self, msg: &[u8]) -> Result<(Vec<u8>, Vec<u8>)>;
    /// The public keys (SEC1) whose checkpoints are trusted.
    fn trusted(&self) -> Result<Vec<Vec<u8>>>;
}

type Anchors = Vec<(PathBuf, Arc<dyn Anchor>)>;
static ANCHORS: RwLock<Anchors> = RwLock::new(Vec::new());

/// Installs the anchor for the registers in folder `root` (replacing an earlier one).
pub fn set_anchor(root: &Path, a: Arc<dyn Anchor>) {
    let mut all = ANCHORS.write().expect("anchor lock");
    all.retain(|(r, _)| r != root);
    all.push((root.to_path_buf(), a));
}

/// The anchor of the folder a register is in, if one is installed.
pub fn anchor_for(register: &Path) -> Option<Arc<dyn Anchor>> {
    let dir = super::files::parent(register);
    ANCHORS
        .read()
        .expect("anchor lock")
        .iter()
        .find(|(r, _)| *r == dir || (r.as_os_str().is_empty() && dir == Path::new(".")))
        .map(|(_, a)| a.clone())
}

pub fn checkpoints_path(register: &Path) -> PathBuf {
    let mut s = register.as_os_str().to_owned();
    s.push(".checkpoints");
    PathBuf::from(s)
}

/// One checkpoint line: `v1,BYTES,HEAD,SIGNED_AT,PUBLIC_KEY,SIGNATURE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub bytes: u64,
    pub head: String,
    pub signed_at: String,
    pub public_key: Vec<u8>,
    pub signature: Vec<u8>,
}

fn message(register: &Path, bytes: u64, head: &str, signed_at: &str) -> Vec<u8> {
    let name = register
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("dataskydd checkpoint v1\n{name}\n{bytes}\n{head}\n{signed_at}\n").into_bytes()
}

impl Checkpoint {
    pub fn parse(line: &[u8]) -> Option<Checkpoint> {
        let s = std::str::from_utf8(line).ok()?;
        let f: Vec<&str> = s.split(',').collect();
        if f.len() != 6 || f[0] != "v1" {
            return None;
        }
        Some(Checkpoint {
            bytes: f[1].parse().ok()?,
            head: f[2].to_string(),
            signed_at: f[3].to_string(),
            public_key: unhex(f[4])?,
            signature: unhex(f[5])?,
        })
    }

    pub fn line(&self) -> Vec<u8> {
        format!(
            "v1,{},{},{},{},{}\n",
            self.bytes,
            self.head,
            self.signed_at,
            super::hex(&self.public_key),
            super::hex(&self.signature)
        )
        .into_bytes()
    }

    /// Signs a checkpoint with the installed anchor.
    pub fn make(a: &dyn Anchor, register: &Path, bytes: u64, head: &str) -> Result<Checkpoint> {
        let signed_at = crate::clock::now().to_rfc3339();
        let (public_key, signature) = a.sign(&message(register, bytes, head, &signed_at))?;
        Ok(Checkpoint {
            bytes,
            head: head.to_string(),
            signed_at,
            public_key,
            signature,
        })
    }

    /// The signature holds, by a trusted key.
    pub fn valid(&self, register: &Path, trusted: &[Vec<u8>]) -> bool {
        if !trusted.contains(&self.public_key) {
            return false;
        }
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &self.public_key)
            .verify(
                &message(register, self.bytes, &self.head, &self.signed_at),
                &self.signature,
            )
            .is_ok()
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The checkpoint file's state: the last complete checkpoint and the length of the file
/// up to its last newline (a torn checkpoint line after it is ignored and cut on write).
#[derive(Debug, Clone, Default)]
pub struct Tail {
    pub last: Option<Checkpoint>,
    pub complete_len: u64,
    /// A complete line that is not a checkpoint (tampering or damage), 1-based.
    pub bad_line: Option<usize>,
}

pub fn read_tail(register: &Path) -> Result<Tail> {
    let path = checkpoints_path(register);
    let mut f = match files::open_read(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Tail::default()),
        Err(e) => return Err(files::open_error(&path, e)),
    };
    let complete = super::complete_len(&mut f, &path)?;
    if complete == 0 {
        return Ok(Tail::default());
    }
    let start = complete.saturating_sub(4096);
    f.seek(SeekFrom::Start(start)).at(&path)?;
    let mut buf = vec![0u8; (complete - start) as usize];
    f.read_exact(&mut buf).at(&path)?;
    let body = &buf[..buf.len() - 1];
    let line = match memchr::memrchr(b'\n', body) {
        Some(p) => &body[p + 1..],
        None => body,
    };
    let last = Checkpoint::parse(line);
    Ok(Tail {
        bad_line: if last.is_none() { Some(0) } else { None },
        last,
        complete_len: complete,
    })
}

/// Every checkpoint in order (streamed); a line that is not one is an error naming it.
pub fn each(register: &Path, mut f: impl FnMut(usize, Checkpoint) -> Result<()>) -> Result<()> {
    let path = checkpoints_path(register);
    let file = match files::open_read(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(files::open_error(&path, e)),
    };
    let mut r = std::io::BufReader::with_capacity(1 << 16, file);
    let mut line = Vec::new();
    let mut n = 0;
    loop {
        line.clear();
        let got = std::io::BufRead::read_until(&mut r, b'\n', &mut line).at(&path)?;
        if got == 0 || !line.ends_with(b"\n") {
            return Ok(());
        }
        n += 1;
        line.pop();
        match Checkpoint::parse(&line) {
            Some(c) => f(n, c)?,
            None => {
                return Err(Error::CheckFailed(format!(
                    "{}: {} {n}: {}",
                    path.display(),
                    crate::i18n::t("rad", "line"),
                    crate::i18n::t(
                        "raden är ingen kontrollpunkt (filen har ändrats)",
                        "the line is not a checkpoint (the file was changed)"
                    )
                )))
            }
        }
    }
}

/// Appends a checkpoint line (fsync'd), first cutting a torn line after `complete_len`.
pub fn append(register: &Path, complete_len: u64, c: &Checkpoint) -> Result<()> {
    let path = checkpoints_path(register);
    let mut f = match files::open_rw(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let f = files::create_new(&path).map_err(|e| files::open_error(&path, e))?;
            files::sync_dir(&files::parent(&path))?;
            f
        }
        Err(e) => return Err(files::open_error(&path, e)),
    };
    files::private_mode(&f).at(&path)?;
    let len = f.seek(SeekFrom::End(0)).at(&path)?;
    if len != complete_len {
        f.set_len(complete_len).at(&path)?;
    }
    f.seek(SeekFrom::Start(complete_len)).at(&path)?;
    f.write_all(&c.line()).at(&path)?;
    f.sync_data().at(&path)?;
    Ok(())
}

/// Cuts the checkpoint file back to `len` (a rolled-back write).
pub fn truncate(register: &Path, len: u64) -> Result<()> {
    let path = checkpoints_path(register);
    match files::open_rw(&path) {
        Ok(f) => {
            if f.metadata().at(&path)?.len() > len {
                f.set_len(len).at(&path)?;
                f.sync_data().at(&path)?;
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(files::open_error(&path, e)),
    }
}
