//! Reading the files a user hands the tool (answers, records to verify or re-run): only
//! ordinary files, and only up to a size no real one reaches. `--answers /dev/zero` or a
//! FIFO would otherwise be read for ever; a 2 GB "answers file" is a mistake, not answers.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;

/// An answers file or a questionnaire's saved progress: far above any real one (a few KiB).
pub const ANSWERS_LIMIT: u64 = 1 << 20;
/// A record (PDF) to verify or re-run: far above any the tool writes (well under 1 MiB).
pub const RECORD_LIMIT: u64 = 256 << 20;

/// The file's bytes, refused (exit 2, naming the file) when it is not an ordinary file or
/// larger than `limit`.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).at(path)?;
    if !meta.is_file() {
        if meta.is_dir() {
            return Err(Error::io(
                path,
                std::io::Error::from(std::io::ErrorKind::IsADirectory),
            ));
        }
        return Err(Error::input(t(
            "det är ingen vanlig fil (t.ex. en enhet eller en rörledning); ange en sparad fil",
            "it is not an ordinary file (e.g. a device or a pipe); give a saved file",
        ))
        .in_file(path));
    }
    let mut bytes = Vec::new();
    let f = std::fs::File::open(path).at(path)?;
    f.take(limit + 1).read_to_end(&mut bytes).at(path)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit));
    }
    Ok(bytes)
}

/// The file as UTF-8 text, with the same limits as [`read`].
pub fn read_text(path: &Path, limit: u64) -> Result<String> {
    String::from_utf8(read(path, limit)?).map_err(|e| {
        Error::input(t(
            &format!(
                "filen är inte UTF-8 (byte {}); spara den som UTF-8",
                e.utf8_error().valid_up_to()
            ),
            &format!(
                "the file is not UTF-8 (byte {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        ))
        .in_file(path)
    })
}

fn too_large(path: &Path, limit: u64) -> Error {
    let (n, unit) = if limit >= 1 << 20 {
        (limit >> 20, "MiB")
    } else {
        (limit >> 10, "KiB")
    };
    Error::input(t(
        &format!("filen är större än {n} {unit}, mer än någon sådan fil kan vara; kontrollera att det är rätt fil"),
        &format!("the file is larger than {n} {unit}, more than any such file can be; check that it is the right file"),
    ))
    .in_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_folders_and_oversized_files_are_refused() {
        let e = read(Path::new("/dev/zero"), ANSWERS_LIMIT).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let d = tempfile::tempdir().unwrap();
        assert!(read(d.path(), ANSWERS_LIMIT).is_err());
        let big = d.path().join("big.toml");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        assert!(read(&big, 1024).unwrap_err().to_string().contains("1 KiB"));
        assert_eq!(read(&big, 4096).unwrap().len(), 2048);
    }
}
