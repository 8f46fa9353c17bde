//! What Swedish Excel saves and reads: the dialect of `consent import`, `account import` and
//! `consent export --excel`.
//!
//! Excel with Swedish regional settings saves "CSV (semikolonavgränsad)" in Windows-1252
//! without a BOM, and "CSV UTF-8" with a BOM and semicolons; a file made elsewhere has commas.
//! A reader here takes all of them: the delimiter is sniffed from the header line, a BOM is
//! dropped, and a file that is not valid UTF-8 is read as Windows-1252 (the one 8-bit
//! encoding Swedish Windows uses; every byte is a character in it, so nothing fails to
//! decode). Column names and values may be the contract's codes or the Swedish words the
//! export writes (and a few that school lists use: elev, vårdnadshavare, foto).

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// A reader that hashes what passes through it: an import file's identity (SHA-256), in the
/// same pass that reads it.
pub struct Hashing<R> {
    inner: R,
    ctx: ring::digest::Context,
}

impl<R: Read> Hashing<R> {
    pub fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            ctx: ring::digest::Context::new(&ring::digest::SHA256),
        }
    }

    /// Reads what is left (a csv reader may stop before the end) and returns the SHA-256
    /// of every byte read.
    pub fn finish(mut self) -> std::io::Result<[u8; 32]> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(self
            .ctx
            .finish()
            .as_ref()
            .try_into()
            .expect("SHA-256 is 32 bytes"))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.ctx.update(&buf[..n]);
        Ok(n)
    }
}

/// The csv reader of an import file as Excel saves it (`delimiter` sniffed by the caller),
/// hashing what it reads. Rows end at `\n` and a `\r` before it is cut from the last field:
/// with CRLF rows (Excel writes CRLF) the csv reader would number each row one line early.
pub fn csv_reader(file: std::fs::File, delimiter: u8) -> csv::Reader<Hashing<std::fs::File>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 20)
        .from_reader(Hashing::new(file))
}

/// The text encoding of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

/// Reads the file once (constant memory) and says how to decode it: valid UTF-8 (with or
/// without BOM) is UTF-8, anything else Windows-1252.
pub fn detect(path: &Path) -> Result<Encoding> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            return Ok(if carry.is_empty() {
                Encoding::Utf8
            } else {
                Encoding::Windows1252
            });
        }
        carry.extend_from_slice(&buf[..n]);
        match std::str::from_utf8(&carry) {
            Ok(_) => carry.clear(),
            // Cut inside a character at the end of the block: keep its start for the next.
            Err(e) if e.error_len().is_none() => {
                carry.drain(..e.valid_up_to());
            }
            Err(_) => return Ok(Encoding::Windows1252),
        }
    }
}

/// Decodes one field.
pub fn decode(bytes: &[u8], enc: Encoding) -> String {
    match enc {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Decodes a whole file's bytes (small files: the account import).
pub fn decode_all(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => decode(bytes, Encoding::Windows1252),
    }
}

/// The delimiter of a file, from its header line: `;` when the line has more semicolons
/// than commas outside quotes, else `,`.
pub fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let (mut semi, mut comma, mut quoted) = (0usize, 0usize, false);
    for &b in first_line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => semi += 1,
            b',' if !quoted => comma += 1,
            b'\n' if !quoted => break,
            _ => {}
        }
    }
    if semi > comma {
        b';'
    } else {
        b','
    }
}

/// The delimiter of the file at `path` (its first line, at most 64 KiB of it).
pub fn sniff_file(path: &Path) -> Result<u8> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = Vec::new();
    f.take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    Ok(sniff_delimiter(&head))
}

/// A header or value as compared: trimmed, lower case, `_` and `-` as spaces, runs of
/// spaces as one, no BOM.
pub fn norm(s: &str) -> String {
    let s = s.trim_start_matches('\u{feff}').trim().to_lowercase();
    let s: String = s
        .chars()
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The column a header names: the contract's name (`valid_from`), or a Swedish one. `table`
/// holds `(column, [other names])`.
pub fn column<'a>(header: &str, table: &[(&'a str, &[&str])]) -> Option<&'a str> {
    let h = norm(header);
    table.iter().find_map(|(col, names)| {
        (norm(col) == h || names.iter().any(|n| norm(n) == h)).then_some(*col)
    })
}

/// Undoes the export's guard against formulas: `'=Dnr 1` is read as `=Dnr 1`.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// Keeps Excel from reading a cell as a formula (read back by [`unguard`]).
pub fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The code a value stands for: the code itself, or a Swedish (or English) word for it.
/// `table` holds `(code, [words])`; a value it does not know is returned as it is, so the
/// validation names it with the allowed codes.
pub fn code(value: &str, table: &[(&str, &[&str])]) -> String {
    // The common cases without allocating: the code itself, or the word as written.
    let trimmed = value.trim();
    for (code, words) in table {
        if *code == trimmed || words.contains(&trimmed) {
            return code.to_string();
        }
    }
    let v = norm(value);
    for (code, words) in table {
        if norm(code) == v || words.iter().any(|w| norm(w) == v) {
            return code.to_string();
        }
    }
    value.trim().to_string()
}

/// A list field (`photo, video` or `bild, film`), each item mapped by [`code`].
pub fn codes(value: &str, table: &[(&str, &[&str])]) -> String {
    if !value.contains(|c: char| c.is_whitespace() || !c.is_ascii())
        && value.split(',').all(|x| table.iter().any(|(c, _)| *c == x))
    {
        return value.to_string();
    }
    value
        .split(',')
        .map(|x| code(x, table))
        .collect::<Vec<_>>()
        .join(",")
}

/// The Swedish word for a code, as the export writes it (the first word in `table`).
pub fn word<'a>(code: &'a str, table: &[(&str, &[&'a str])]) -> &'a str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .and_then(|(_, w)| w.first().copied())
        .unwrap_or(code)
}

/// Consent import and export: columns (`(column, [Swedish names])`, the first the export's).
pub const CONSENT_COLUMNS: &[(&str, &[&str])] = &[
    ("consent_id", &["samtyckes-id", "samtycke id", "id"]),
    ("state", &["status", "läge"]),
    (
        "subject",
        &["person", "elev", "barn", "referens", "registrerad"],
    ),
    ("role", &["roll"]),
    ("birth_year", &["födelseår", "född"]),
    ("given_by", &["lämnat av", "givet av", "samtycke av"]),
    (
        "giver",
        &[
            "undertecknat av",
            "namn på den som samtyckt",
            "vårdnadshavare",
            "undertecknare",
        ],
    ),
    ("purpose", &["ändamål", "syfte"]),
    ("channel", &["kanal", "kanaler", "konto", "konton"]),
    ("media", &["medier", "medium", "typ"]),
    ("valid_from", &["giltigt från", "giltig från", "från"]),
    (
        "valid_until",
        &["giltigt till", "giltig till", "till", "giltigt t.o.m."],
    ),
    ("evidence", &["underlag", "bevis", "diarienummer", "dnr"]),
    ("notice_version", &["informationsversion", "information"]),
    ("language", &["språk"]),
    ("collection_method", &["insamlingssätt", "inhämtat genom"]),
    (
        "withdrawal_method",
        &["återkallelsesätt", "återkallas genom"],
    ),
    ("given_at", &["registrerat"]),
    ("withdrawn_at", &["återkallat"]),
    ("withdrawn_by", &["återkallat av"]),
    ("withdrawn_via", &["återkallat via"]),
    (
        "explicit_art9",
        &["uttryckligt samtycke art. 9", "uttryckligt samtycke"],
    ),
];

pub const ROLE_WORDS: &[(&str, &[&str])] = &[
    ("pupil", &["elev"]),
    ("child", &["barn"]),
    ("staff", &["personal", "anställd", "medarbetare"]),
    (
        "official",
        &[
            "tjänsteperson/förtroendevald i sin roll",
            "tjänsteperson",
            "förtroendevald",
        ],
    ),
    ("public", &["allmänheten", "allmänhet"]),
];

pub const GIVEN_BY_WORDS: &[(&str, &[&str])] = &[
    (
        "subject",
        &[
            "personen själv",
            "själv",
            "eleven själv",
            "den registrerade",
        ],
    ),
    ("guardian", &["vårdnadshavare", "vh"]),
];

pub const PURPOSE_WORDS: &[(&str, &[&str])] = &[
    (
        "inform_activity",
        &["information om verksamheten", "information", "informera"],
    ),
    ("event", &["evenemang"]),
    ("marketing", &["marknadsföring"]),
    ("recruitment", &["rekrytering"]),
    ("documentation", &["dokumentation"]),
];

pub const MEDIA_WORDS: &[(&str, &[&str])] = &[
    ("photo", &["bild", "foto", "fotografi"]),
    ("video", &["film", "video"]),
    ("name", &["namn"]),
    ("voice", &["röst", "ljud"]),
];

pub const METHOD_WORDS: &[(&str, &[&str])] = &[
    ("signed_form", &["undertecknad blankett", "blankett"]),
    ("e_signature", &["e-underskrift", "e-signatur"]),
    ("email", &["e-post", "mejl"]),
    ("other", &["annat"]),
];

pub const STATE_WORDS: &[(&str, &[&str])] = &[
    ("active", &["gäller"]),
    ("withdrawn", &["återkallat"]),
    ("expired", &["har gått ut"]),
];

pub const LANGUAGE_WORDS: &[(&str, &[&str])] = &[("sv", &["svenska"]), ("en", &["engelska"])];

/// Account import: columns.
pub const ACCOUNT_COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["konto", "konto-id", "kontots id"]),
    ("platform", &["plattform"]),
    ("owner", &["ägare", "nämnd", "ansvarig nämnd"]),
    ("name", &["namn", "kontonamn"]),
    ("url", &["adress", "webbadress", "länk"]),
    ("responsible", &["ansvarig", "kontoansvarig"]),
    ("admins", &["administratörer", "antal administratörer"]),
    ("purpose", &["syfte", "ändamål"]),
    ("added_at", &["tillagt", "registrerat"]),
];

pub const PLATFORM_WORDS: &[(&str, &[&str])] = &[
    (
        "facebook_page",
        &["facebook", "facebooksida", "facebook-sida"],
    ),
    ("instagram", &[]),
    (
        "linkedin_page",
        &["linkedin", "linkedinsida", "linkedin-sida"],
    ),
    ("x", &["twitter"]),
    ("youtube", &[]),
    ("tiktok", &[]),
    ("snapchat", &[]),
    ("blog", &["blogg"]),
    ("other", &["annan", "annat"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_and_maps() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_delimiter(b"a,b,\"c;d;e\"\n"), b',');
        assert_eq!(column("Giltigt från", CONSENT_COLUMNS), Some("valid_from"));
        assert_eq!(
            column("\u{feff}valid_from", CONSENT_COLUMNS),
            Some("valid_from")
        );
        assert_eq!(codes("Bild, Film", MEDIA_WORDS), "photo,video");
        assert_eq!(code("Vårdnadshavare", GIVEN_BY_WORDS), "guardian");
        assert_eq!(code("okänd", GIVEN_BY_WORDS), "okänd");
        assert_eq!(unguard("'=Dnr 1"), "=Dnr 1");
        assert_eq!(unguard("'vanlig"), "'vanlig");
        assert_eq!(decode(b"\xe5", Encoding::Windows1252), "å");
        assert_eq!(decode_all(b"\xEF\xBB\xBFa\xc3\xa5"), "aå");
    }
}
