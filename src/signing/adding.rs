//! Adding a signature to a record that exists (`sign`, `sign --complete`, `timestamp`): the
//! record must hold before and the new file after, the external signer's answer read, the
//! OCSP responses and CRLs fetched for long-term validation.

use std::path::Path;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::signing;

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex to bytes (None: not hex).
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The record must hold before anyone adds to it.
pub fn check_before(file: &Path, pdf: &[u8]) -> Result<()> {
    let report = signing::verify_all(pdf).map_err(|e| match e.exit_code() {
        1 => Error::CheckFailed(format!("{}: {}", file.display(), e.message())),
        _ => Error::input(e.message().to_string()).in_file(file),
    })?;
    if let Some(p) = report.problem() {
        return Err(Error::CheckFailed(t(
            &format!(
                "{}: signeras inte, för dess signatur håller inte: {p}",
                file.display()
            ),
            &format!(
                "{}: not signed, because its signature does not hold: {p}",
                file.display()
            ),
        )));
    }
    Ok(())
}

/// The new file must hold before it replaces the old one.
pub fn check_after(file: &Path, old: &[u8], new: &[u8]) -> Result<signing::Report> {
    let fail = |m: String| {
        Error::input(t(
            &format!(
                "{}: den nya signaturen håller inte ({m}); ingenting har skrivits",
                file.display()
            ),
            &format!(
                "{}: the new signature does not hold ({m}); nothing was written",
                file.display()
            ),
        ))
    };
    if !new.starts_with(old) {
        return Err(fail("prefix".into()));
    }
    let report = signing::verify_all(new).map_err(|e| fail(e.message().to_string()))?;
    if let Some(p) = report.problem() {
        return Err(fail(p));
    }
    Ok(report)
}

/// A DER ContentInfo of SignedData (OID 1.2.840.113549.1.7.2).
pub fn looks_like_cms(b: &[u8]) -> bool {
    const SIGNED_DATA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    b.first() == Some(&0x30)
        && b.len() > 20
        && b[..20].windows(SIGNED_DATA.len()).any(|w| w == SIGNED_DATA)
}

/// The length of the DER value `b` starts with (its outer SEQUENCE), if it fits in `b`.
pub fn signing_der_len(b: &[u8]) -> Option<usize> {
    // Short or long definite length of the outer SEQUENCE.
    let l = *b.get(1)? as usize;
    if l < 0x80 {
        return Some(2 + l);
    }
    let n = l & 0x7f;
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *b.get(2 + i)? as usize;
    }
    Some(2 + n + len).filter(|&t| t <= b.len())
}

/// The validation data of long-term validation for `certs` (every certificate of every
/// signature and timestamp of `file`): an OCSP response for each certificate that names an
/// OCSP location, the CRLs they name, each checked. A responder or CRL server that does not
/// answer is an error naming its URL (nothing is written).
pub fn fetch_validation_data(file: &Path, certs: &[Vec<u8>]) -> Result<signing::revocation::Fetch> {
    signing::revocation::fetch(certs).map_err(|m| Error::input(m).in_file(file))
}
