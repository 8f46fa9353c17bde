//! Reading a consent import file (`consent import`): the columns the contract names, in the
//! dialects Swedish Excel saves (see [`crate::excel`]), streamed in constant memory with the
//! file's SHA-256 taken in the same pass (the identity that makes a re-import "already
//! imported"). What to do with each row is the caller's.

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::registers::consents::Input;

pub const IMPORT_REQUIRED: &[&str] = &[
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
];
pub const IMPORT_OPTIONAL: &[&str] = &[
    "notice_version",
    "language",
    "collection_method",
    "withdrawal_method",
    "explicit_art9",
];

pub enum ImportRow {
    /// A row to import, with its Excel row number.
    Row(u64, Box<Input>),
    Bad(u64, String),
    /// A withdrawn consent in a re-imported export: not imported.
    Withdrawn,
}

/// The import file's columns as its header names them, for messages.
pub struct ImportHeader {
    /// The file's own header text for each known column.
    names: std::collections::HashMap<&'static str, String>,
}

impl ImportHeader {
    pub fn name(&self, field: &str) -> String {
        self.names
            .get(field)
            .cloned()
            .unwrap_or_else(|| field.to_string())
    }
}

/// Streams an import file (constant memory): checks the header, hands each row to `f`,
/// returns the SHA-256 of the file's bytes and the header (its names, for messages). The
/// file may be what Swedish Excel saves: `;` or `,` (sniffed from the header), BOM or not,
/// UTF-8 or Windows-1252, Swedish column names and values (see [`crate::excel`]).
pub fn each_import_row(
    path: &std::path::Path,
    mut f: impl FnMut(ImportRow) -> Result<()>,
) -> Result<(String, ImportHeader)> {
    use crate::excel;
    let enc = excel::detect(path)?;
    let delimiter = excel::sniff_file(path)?;
    let file = std::fs::File::open(path).at(path)?;
    let mut rdr = excel::csv_reader(file, delimiter);
    let mut rec = csv::ByteRecord::new();
    let header_err = |m: String| Error::input(m).in_file(path).at_line(1);
    if !rdr
        .read_byte_record(&mut rec)
        .map_err(|e| header_err(import_csv_error(&e)))?
    {
        return Err(header_err(t("filen är tom", "the file is empty")));
    }
    let raw: Vec<String> = rec
        .iter()
        .map(|h| excel::decode(h.strip_suffix(b"\r").unwrap_or(h), enc))
        .collect();
    let mut header: Vec<Option<&'static str>> = Vec::new();
    let mut names = std::collections::HashMap::new();
    for h in &raw {
        let h = h.trim_start_matches('\u{feff}').trim();
        match excel::column(h, excel::CONSENT_COLUMNS) {
            Some(c) => {
                names.insert(c, h.to_string());
                header.push(Some(c));
            }
            None if h.is_empty() => header.push(None),
            None => {
                let mut allowed = IMPORT_REQUIRED.to_vec();
                allowed.extend(IMPORT_OPTIONAL);
                return Err(header_err(t(
                    &format!(
                        "okänd kolumn '{h}' (tillåtna: {}, eller de svenska namnen som `consent export --excel` skriver)",
                        allowed.join(", ")
                    ),
                    &format!(
                        "unknown column '{h}' (allowed: {}, or the Swedish names `consent export --excel` writes)",
                        allowed.join(", ")
                    ),
                ))
                .field(h));
            }
        }
    }
    let missing: Vec<&str> = IMPORT_REQUIRED
        .iter()
        .copied()
        .filter(|r| !header.contains(&Some(*r)))
        .collect();
    if !missing.is_empty() {
        return Err(header_err(t(
            &format!("kolumner saknas: {}", missing.join(", ")),
            &format!("missing columns: {}", missing.join(", ")),
        ))
        .field(missing[0]));
    }
    let col = |name: &str| header.iter().position(|h| *h == Some(name));
    let cols: Vec<Option<usize>> = IMPORT_REQUIRED
        .iter()
        .chain(IMPORT_OPTIONAL)
        .map(|n| col(n))
        .collect();
    let withdrawn_col = col("withdrawn_at");
    // Excel counts rows, not lines: a quoted field with line breaks is one row.
    let mut extra_lines = 0u64;
    let count_breaks = |r: &csv::ByteRecord| -> u64 {
        r.iter()
            .map(|f| memchr::memchr_iter(b'\n', f).count() as u64)
            .sum()
    };
    extra_lines += count_breaks(&rec);
    loop {
        let more = match rdr.read_byte_record(&mut rec) {
            Ok(m) => m,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                f(ImportRow::Bad(
                    line.saturating_sub(extra_lines),
                    import_csv_error(&e),
                ))?;
                break;
            }
        };
        if !more {
            break;
        }
        let row = rec
            .position()
            .map(|p| p.line())
            .unwrap_or(0)
            .saturating_sub(extra_lines);
        extra_lines += count_breaks(&rec);
        if rec
            .iter()
            .all(|f| f.iter().all(|b| b.is_ascii_whitespace()))
        {
            continue;
        }
        let last = rec.len().saturating_sub(1);
        let get = |i: usize| -> String {
            cols[i]
                .and_then(|c| {
                    let b = rec.get(c)?;
                    Some(if c == last {
                        b.strip_suffix(b"\r").unwrap_or(b)
                    } else {
                        b
                    })
                })
                .map(|b| excel::unguard(&excel::decode(b, enc)).to_string())
                .unwrap_or_default()
        };
        if withdrawn_col
            .and_then(|c| rec.get(c))
            .is_some_and(|b| !b.iter().all(|b| b.is_ascii_whitespace()))
        {
            f(ImportRow::Withdrawn)?;
            continue;
        }
        let method = get(13);
        let language = get(12);
        f(ImportRow::Row(
            row,
            Box::new(Input {
                subject: get(0),
                role: excel::code(&get(1), excel::ROLE_WORDS),
                birth_year: get(2),
                given_by: excel::code(&get(3), excel::GIVEN_BY_WORDS),
                giver: get(4),
                purpose: excel::codes(&get(5), excel::PURPOSE_WORDS),
                channel: get(6),
                media: excel::codes(&get(7), excel::MEDIA_WORDS),
                valid_from: get(8),
                valid_until: get(9),
                evidence: get(10),
                notice_version: get(11),
                language: if language.trim().is_empty() {
                    language
                } else {
                    excel::code(&language, excel::LANGUAGE_WORDS)
                },
                collection_method: if method.trim().is_empty() {
                    method
                } else {
                    excel::code(&method, excel::METHOD_WORDS)
                },
                withdrawal_method: get(14),
                explicit_art9: get(15),
            }),
        ))?;
    }
    // The rest is read too (the csv reader may stop before the end): the hash is the file's.
    let sha = rdr.into_inner().finish().at(path)?;
    Ok((crate::ledger::hex(&sha), ImportHeader { names }))
}

pub fn import_csv_error(e: &csv::Error) -> String {
    format!(
        "{} ({e})",
        t("raden är inte giltig CSV", "the row is not valid CSV")
    )
}
