//! Errors that reach the user, and the exit codes the contract fixes.
//!
//! Every error says what went wrong, where (file, line, field) and, where it can, what to
//! do about it. Exit codes: 0 done, 1 a check said no, 2 bad input or usage.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::i18n::t;

#[derive(Debug)]
pub enum Error {
    /// Bad input: a file, line and field the user can go and fix. Exit 2.
    Input {
        file: Option<PathBuf>,
        line: Option<usize>,
        field: Option<String>,
        message: String,
    },
    /// Wrong use of the command line, or a missing workspace. Exit 2.
    Usage(String),
    /// A check said no (broken signature, broken chain, no valid consent). Exit 1.
    CheckFailed(String),
    /// The operating system refused (permissions, full disk). Exit 2: the user must act.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(message: impl Into<String>) -> Self {
        Error::Input {
            file: None,
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// Attaches the file the bad input came from (keeps a file already set).
    pub fn in_file(self, path: &Path) -> Self {
        match self {
            Error::Input {
                file: None,
                line,
                field,
                message,
            } => Error::Input {
                file: Some(path.to_path_buf()),
                line,
                field,
                message,
            },
            other => other,
        }
    }

    pub fn at_line(self, n: usize) -> Self {
        match self {
            Error::Input {
                file,
                line: None,
                field,
                message,
            } => Error::Input {
                file,
                line: Some(n),
                field,
                message,
            },
            other => other,
        }
    }

    pub fn field(self, name: &str) -> Self {
        match self {
            Error::Input {
                file,
                line,
                field: None,
                message,
            } => Error::Input {
                file,
                line,
                field: Some(name.to_string()),
                message,
            },
            other => other,
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::CheckFailed(_) => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input {
                file,
                line,
                field,
                message,
            } => {
                let mut place = Vec::new();
                if let Some(p) = file {
                    place.push(p.display().to_string());
                }
                if let Some(l) = line {
                    place.push(format!("{} {l}", t("rad", "line")));
                }
                if let Some(k) = field {
                    place.push(format!("{} '{k}'", t("fält", "field")));
                }
                if place.is_empty() {
                    write!(f, "{message}")
                } else {
                    write!(f, "{}: {message}", place.join(", "))
                }
            }
            Error::Usage(m) | Error::CheckFailed(m) => write!(f, "{m}"),
            Error::Io { path, source } => {
                // The OS's own words are English; say the common cases in the user's language.
                let what = match source.kind() {
                    std::io::ErrorKind::NotFound => t(
                        "filen eller mappen finns inte",
                        "the file or folder does not exist",
                    ),
                    std::io::ErrorKind::PermissionDenied => t(
                        "åtkomst nekad — kontrollera behörigheterna för filen och mappen",
                        "permission denied — check the permissions of the file and folder",
                    ),
                    std::io::ErrorKind::StorageFull => t(
                        "disken är full — frigör utrymme; inget har ändrats",
                        "the disk is full — free some space; nothing was changed",
                    ),
                    std::io::ErrorKind::ReadOnlyFilesystem => t(
                        "filsystemet är skrivskyddat — välj en arbetsyta där du kan skriva",
                        "the file system is read-only — choose a workspace you can write to",
                    ),
                    std::io::ErrorKind::IsADirectory => {
                        t("det är en mapp, inte en fil", "it is a folder, not a file")
                    }
                    _ => source.to_string(),
                };
                write!(f, "{}: {what}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for I/O with the path in the error.
pub trait IoContext<T> {
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
