//! Opening register files safely: never through a symbolic link, owner-only modes whatever
//! the umask, and no writing on a network file system whose locks cannot be trusted.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;

static ALLOW_NETWORK_FS: AtomicBool = AtomicBool::new(false);

/// `--allow-network-fs`: write on NFS/SMB anyway (each write then re-verifies the chain
/// head it appends to).
pub fn allow_network_fs(yes: bool) {
    ALLOW_NETWORK_FS.store(yes, Ordering::Relaxed);
}

pub fn network_fs_allowed() -> bool {
    ALLOW_NETWORK_FS.load(Ordering::Relaxed)
}

/// Opens an existing file for reading, refusing a symbolic link.
pub fn open_read(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true);
    nofollow(&mut o);
    o.open(path)
}

/// Opens an existing file for reading and writing, refusing a symbolic link.
pub fn open_rw(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true);
    nofollow(&mut o);
    o.open(path)
}

/// Creates a new file (`O_EXCL`: fails if anything, a symbolic link included, is there),
/// mode 0600 whatever the umask.
pub fn create_new(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create_new(true);
    nofollow(&mut o);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(path)?;
    private_mode(&f)?;
    Ok(f)
}

/// Opens a side file for appending, creating it 0600 if missing; never through a link.
pub fn open_append(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.append(true).create(true);
    nofollow(&mut o);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(path)?;
    private_mode(&f)?;
    Ok(f)
}

/// Sets 0600 on an open file (the umask cannot loosen it; fchmod on the descriptor, so a
/// link swapped in meanwhile is not touched).
pub fn private_mode(f: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = f.metadata()?.permissions().mode() & 0o7777;
        if mode != 0o600 {
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

fn nofollow(o: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
}

/// Turns an open error into the user's message: a symbolic link is refused by name.
pub fn open_error(path: &Path, e: std::io::Error) -> Error {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) || is_symlink(path) {
        return symlink_refused(path);
    }
    Error::io(path, e)
}

pub fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false)
}

pub fn symlink_refused(path: &Path) -> Error {
    Error::input(t(
        "filen är en symbolisk länk; dataskydd skriver och läser aldrig register genom länkar (en länk kan peka på en annan persons fil). Ersätt länken med den riktiga filen",
        "the file is a symbolic link; dataskydd never writes or reads registers through links (a link can point at someone else's file). Replace the link with the real file",
    ))
    .in_file(path)
}

/// fsync of a folder, so a created, renamed or removed name survives a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    #[cfg(unix)]
    {
        let f = File::open(dir).at(dir)?;
        f.sync_all().at(dir)?;
    }
    Ok(())
}

pub fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An unpredictable name beside `path`: `.NAME.tmp-<16 hex>` (random from the OS).
pub fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    parent(path).join(format!(".{name}.tmp-{}", random_hex(8)))
}

/// `n` random bytes from the operating system, as hex.
pub fn random_hex(n: usize) -> String {
    use ring::rand::SecureRandom;
    let mut b = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the operating system's random source");
    super::hex(&b)
}

/// The kind of network file system `dir` is on, if it is one (statfs `f_type`).
pub fn network_fs(dir: &Path) -> Option<&'static str> {
    if let Ok(v) = std::env::var("DATASKYDD_TEST_FS_TYPE") {
        // Test hook: pretend the file system is of this type (tests cannot mount NFS).
        return fs_name(i64::from_str_radix(v.trim_start_matches("0x"), 16).ok()?);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut s: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: `c` is a valid NUL-terminated path and `s` a properly sized out-buffer.
        if unsafe { libc::statfs(c.as_ptr(), &mut s) } != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)]
        return fs_name(s.f_type as i64);
    }
    #[allow(unreachable_code)]
    None
}

fn fs_name(t: i64) -> Option<&'static str> {
    match t as u32 {
        0x6969 => Some("NFS"),
        0x517B => Some("SMB"),
        0xFF53_4D42 => Some("CIFS"),
        0xFE53_4D42 => Some("SMB2"),
        _ => None,
    }
}

/// Refuses writing on a network file system (flock there may be ignored, so two people
/// could interleave rows), unless `--allow-network-fs`.
pub fn check_local(path: &Path) -> Result<()> {
    if network_fs_allowed() {
        return Ok(());
    }
    if let Some(kind) = network_fs(&parent(path)) {
        return Err(Error::Usage(t(
            &format!(
                "{} ligger på en nätverksenhet ({kind}): där kan fillåsen ignoreras, så två personer kan skriva rader om varandra och bryta kedjan. Dela arbetsytan med `dataskydd serve` i stället (en process skriver), eller ange --allow-network-fs om du vet att enheten låser filer (varje skrivning kontrollerar då kedjans slut först)",
                path.display()
            ),
            &format!(
                "{} is on a network drive ({kind}): file locks may be ignored there, so two people could interleave rows and break the chain. Share the workspace with `dataskydd serve` instead (one process writes), or pass --allow-network-fs if you know the drive locks files (each write then checks the chain's end first)",
                path.display()
            ),
        )));
    }
    Ok(())
}
