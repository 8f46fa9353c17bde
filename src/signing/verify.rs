//! Verifying the last embedded signature of a PDF without parsing its object graph: find the
//! last well-formed `/ByteRange`, check that it covers the whole file except exactly the
//! `/Contents` hex string, re-hash, and check the CMS signature and the certificate.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use der::Encode;
use x509_cert::Certificate;

use super::cert::info_of;
use super::cms;
use super::{Verification, VerifyError};
use crate::i18n::t;

fn unreadable(sv: &str, en: &str) -> VerifyError {
    VerifyError::Unreadable(t(sv, en))
}
fn invalid(sv: &str, en: &str) -> VerifyError {
    VerifyError::Invalid(t(sv, en))
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    is_ws(b) || b"()<>[]{}/%".contains(&b)
}

/// A `/ByteRange [a b c d]` found at `pos`.
#[derive(Debug, Clone, Copy)]
struct Range {
    pos: usize,
    a: u64,
    b: u64,
    c: u64,
    d: u64,
}

/// Last position of `needle` in `hay[..end]`.
fn rfind(hay: &[u8], needle: &[u8], end: usize) -> Option<usize> {
    let end = end.min(hay.len());
    if needle.len() > end {
        return None;
    }
    (0..=end - needle.len())
        .rev()
        .find(|&i| hay[i] == needle[0] && &hay[i..i + needle.len()] == needle)
}

fn find(hay: &[u8], needle: &[u8], start: usize) -> Option<usize> {
    if start >= hay.len() {
        return None;
    }
    hay[start..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + start)
}

fn parse_range(pdf: &[u8], pos: usize) -> Option<Range> {
    let mut i = pos + b"/ByteRange".len();
    let skip = |i: &mut usize| {
        while *i < pdf.len() && is_ws(pdf[*i]) {
            *i += 1;
        }
    };
    skip(&mut i);
    if pdf.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut nums = [0u64; 4];
    for n in &mut nums {
        skip(&mut i);
        let start = i;
        let mut v: u64 = 0;
        while i < pdf.len() && pdf[i].is_ascii_digit() && i - start < 15 {
            v = v * 10 + (pdf[i] - b'0') as u64;
            i += 1;
        }
        if i == start || pdf.get(i).is_some_and(|b| b.is_ascii_digit()) {
            return None;
        }
        *n = v;
    }
    skip(&mut i);
    if pdf.get(i) != Some(&b']') {
        return None;
    }
    Some(Range {
        pos,
        a: nums[0],
        b: nums[1],
        c: nums[2],
        d: nums[3],
    })
}

/// The gap `[b, c)` is a hex string `<…>` inside the file.
fn gap_is_hex_string(pdf: &[u8], r: &Range) -> bool {
    let len = pdf.len() as u64;
    if !(r.b < r.c && r.c <= len && r.c - r.b >= 2) {
        return false;
    }
    let (b, c) = (r.b as usize, r.c as usize);
    pdf[b] == b'<'
        && pdf[c - 1] == b'>'
        && (c - b - 2) % 2 == 0
        && pdf[b + 1..c - 1].iter().all(u8::is_ascii_hexdigit)
}

/// The last signature's byte range: the last `/ByteRange` whose gap is a hex string; failing
/// that, the last one that parses at all (to report what is wrong with it).
fn last_range(pdf: &[u8]) -> Option<Range> {
    let mut end = pdf.len();
    let mut fallback = None;
    while let Some(pos) = rfind(pdf, b"/ByteRange", end) {
        if let Some(r) = parse_range(pdf, pos) {
            if gap_is_hex_string(pdf, &r) {
                return Some(r);
            }
            fallback.get_or_insert(r);
        }
        end = pos + b"/ByteRange".len() - 1;
    }
    fallback
}

fn hex_decode(h: &[u8]) -> Vec<u8> {
    let v = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    };
    h.chunks_exact(2)
        .map(|p| (v(p[0]) << 4) | v(p[1]))
        .collect()
}

/// Verifies the (last) embedded signature.
pub fn verify_pdf(pdf: &[u8]) -> Result<Verification, VerifyError> {
    let head = &pdf[..pdf.len().min(1024)];
    if find(head, b"%PDF-", 0).is_none() {
        return Err(unreadable(
            "filen är ingen PDF (rubriken %PDF- saknas)",
            "the file is not a PDF (no %PDF- header)",
        ));
    }
    let tail_start = pdf.len().saturating_sub(1024);
    let has_eof = find(pdf, b"%%EOF", tail_start).is_some();
    let Some(r) = last_range(pdf) else {
        if !has_eof {
            return Err(unreadable(
                "PDF-filen är avkortad eller skadad (%%EOF saknas i slutet)",
                "the PDF is truncated or damaged (no %%EOF at the end)",
            ));
        }
        return Err(VerifyError::NotSigned(t(
            "PDF-filen har ingen inbäddad signatur",
            "the PDF has no embedded signature",
        )));
    };
    let len = pdf.len() as u64;
    let signed_end = r.c.saturating_add(r.d);
    if signed_end > len || r.c > len || r.b >= len {
        return Err(VerifyError::Unreadable(t(
            &format!(
                "PDF-filen är avkortad: signaturen omfattar {signed_end} byte men filen har bara {len}"
            ),
            &format!(
                "the PDF is truncated: the signature covers {signed_end} bytes but the file has only {len}"
            ),
        )));
    }
    if r.a != 0 {
        return Err(invalid(
            "signaturens byteintervall börjar inte vid filens början",
            "the signature's byte range does not start at the beginning of the file",
        ));
    }
    if !gap_is_hex_string(pdf, &r) {
        return Err(invalid(
            "det osignerade glappet i byteintervallet är inte exakt signaturens /Contents",
            "the unsigned gap in the byte range is not exactly the signature's /Contents",
        ));
    }
    let (b, c, end) = (r.b as usize, r.c as usize, signed_end as usize);
    let mut k = b;
    while k > 0 && is_ws(pdf[k - 1]) {
        k -= 1;
    }
    if !pdf[..k].ends_with(b"/Contents") {
        return Err(invalid(
            "det osignerade glappet i byteintervallet är inte signaturens /Contents",
            "the unsigned gap in the byte range is not the signature's /Contents",
        ));
    }
    let cms_bytes = hex_decode(&pdf[b + 1..c - 1]);
    let checked = cms::check(&cms_bytes, &[&pdf[..b], &pdf[c..end]])?;
    let info = info_of(&checked.signer, &checked.certificates[0]);

    // The signature dictionary around the byte range (for /SubFilter and /M).
    // Searched before the gap too: a /ByteRange written after /Contents (another signer's
    // layout) must not put the start past `b`.
    let dict_start = rfind(pdf, b"obj", r.pos.min(b)).unwrap_or(0);
    let dict_end = find(pdf, b"endobj", c).unwrap_or(pdf.len());
    let before = &pdf[dict_start..b];
    let after = &pdf[c..dict_end];
    let subfilter = name_after(before, b"/SubFilter")
        .or_else(|| name_after(after, b"/SubFilter"))
        .unwrap_or_default();
    let m_date = date_after(before).or_else(|| date_after(after));

    let signed_at = match (checked.signing_time, m_date) {
        (Some(st), Some(m)) if (m.with_timezone(&Utc) - st).num_seconds().abs() <= 60 => {
            st.with_timezone(m.offset())
        }
        (Some(st), _) => st.fixed_offset(),
        (None, Some(m)) => m,
        (None, None) => {
            return Err(invalid(
                "signaturen saknar signeringstid",
                "the signature has no signing time",
            ))
        }
    };
    let at = signed_at.with_timezone(&Utc);
    if at < info.not_before || at > info.not_after {
        return Err(VerifyError::Invalid(t(
            &format!(
                "certifikatet för {} gällde inte vid signeringen {} (giltigt {} – {})",
                info.name,
                at.format("%Y-%m-%d %H:%M UTC"),
                info.not_before.format("%Y-%m-%d"),
                info.not_after.format("%Y-%m-%d")
            ),
            &format!(
                "the certificate of {} was not valid at signing time {} (valid {} – {})",
                info.name,
                at.format("%Y-%m-%d %H:%M UTC"),
                info.not_before.format("%Y-%m-%d"),
                info.not_after.format("%Y-%m-%d")
            ),
        )));
    }
    if end < pdf.len() {
        let n = pdf.len() - end;
        return Err(VerifyError::Invalid(t(
            &format!(
                "{n} byte har lagts till efter signeringen (signaturen av {} täcker bara filen fram \
                 till byte {end}); det tillagda är inte signerat",
                info.name
            ),
            &format!(
                "{n} bytes were appended after signing (the signature by {} covers the file only up \
                 to byte {end}); what was added is not signed",
                info.name
            ),
        )));
    }
    Ok(Verification {
        signer: info.name,
        role: info.role,
        organisation: info.organisation,
        signed_at,
        fingerprint: info.fingerprint,
        subfilter,
        whole_file: true,
        certificates: checked.certificates,
    })
}

/// The name following `key` (e.g. `/SubFilter /ETSI.CAdES.detached`).
fn name_after(hay: &[u8], key: &[u8]) -> Option<String> {
    let mut from = 0;
    while let Some(p) = find(hay, key, from) {
        let mut i = p + key.len();
        from = i;
        if hay.get(i).is_some_and(|&b| !is_delim(b)) {
            continue; // a longer name
        }
        while i < hay.len() && is_ws(hay[i]) {
            i += 1;
        }
        if hay.get(i) != Some(&b'/') {
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < hay.len() && !is_delim(hay[j]) {
            j += 1;
        }
        return Some(String::from_utf8_lossy(&hay[start..j]).into_owned());
    }
    None
}

/// The `/M (D:…)` date.
fn date_after(hay: &[u8]) -> Option<DateTime<FixedOffset>> {
    let mut from = 0;
    while let Some(p) = find(hay, b"/M", from) {
        let mut i = p + 2;
        from = i;
        if hay.get(i).is_some_and(|&b| !is_delim(b)) {
            continue;
        }
        while i < hay.len() && is_ws(hay[i]) {
            i += 1;
        }
        if hay.get(i) != Some(&b'(') {
            continue;
        }
        let close = find(hay, b")", i)?;
        return parse_pdf_date(&hay[i + 1..close]);
    }
    None
}

/// `D:YYYYMMDDHHmmSS` with an optional `Z`, `+HH'mm'` or `-HH'mm'`.
pub fn parse_pdf_date(s: &[u8]) -> Option<DateTime<FixedOffset>> {
    let s = std::str::from_utf8(s).ok()?;
    let s = s.strip_prefix("D:").unwrap_or(s);
    let num = |a: usize, b: usize| -> Option<u32> { s.get(a..b)?.parse().ok() };
    let year = num(0, 4)? as i32;
    let date = NaiveDate::from_ymd_opt(year, num(4, 6).unwrap_or(1), num(6, 8).unwrap_or(1))?;
    let time = date.and_hms_opt(
        num(8, 10).unwrap_or(0),
        num(10, 12).unwrap_or(0),
        num(12, 14).unwrap_or(0),
    )?;
    let rest = s.get(14..).unwrap_or("");
    let offset = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let digits: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let h: i32 = digits.get(0..2)?.parse().ok()?;
            let m: i32 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
            let secs = h * 3600 + m * 60;
            FixedOffset::east_opt(if sign == '-' { -secs } else { secs })?
        }
        _ => FixedOffset::east_opt(0)?,
    };
    offset.from_local_datetime(&time).single()
}

/// Whether the signer's certificate is one of `trusted`, or chains (with valid certificate
/// signatures) to one of them through the certificates embedded in the signature.
/// Returns a description of how it is trusted, or why not.
pub fn check_trust(v: &Verification, trusted: &[Vec<u8>]) -> Result<String, String> {
    use der::Decode;
    let parse = |d: &Vec<u8>| Certificate::from_der(d).ok().map(|c| (c, d.clone()));
    let pool: Vec<(Certificate, Vec<u8>)> = v.certificates.iter().filter_map(parse).collect();
    let anchors: Vec<(Certificate, Vec<u8>)> = trusted.iter().filter_map(parse).collect();
    let Some((mut cur, mut cur_der)) = pool.first().cloned() else {
        return Err(t(
            "signaturen saknar certifikat",
            "the signature has no certificate",
        ));
    };
    for _ in 0..10 {
        if anchors.iter().any(|(_, d)| *d == cur_der) {
            let a = info_of(&cur, &cur_der);
            return Ok(if cur_der == v.certificates[0] {
                t(
                    "undertecknarens certifikat är det betrodda",
                    "the signer's certificate is the trusted one",
                )
            } else {
                t(
                    &format!(
                        "certifikatkedjan leder till det betrodda certifikatet {}",
                        a.subject
                    ),
                    &format!(
                        "the certificate chain leads to the trusted certificate {}",
                        a.subject
                    ),
                )
            });
        }
        let tbs = match cur.tbs_certificate.to_der() {
            Ok(d) => d,
            Err(_) => break,
        };
        let issuer = anchors.iter().chain(pool.iter()).find(|(c, d)| {
            *d != cur_der
                && c.tbs_certificate.subject == cur.tbs_certificate.issuer
                && cms::verify_signature(
                    &c.tbs_certificate.subject_public_key_info,
                    &cur.signature_algorithm.oid,
                    None,
                    &tbs,
                    cur.signature.raw_bytes(),
                )
                .is_ok()
        });
        match issuer {
            Some((c, d)) => {
                cur = c.clone();
                cur_der = d.clone();
            }
            None => break,
        }
    }
    Err(t(
        "undertecknarens certifikat är inte det betrodda och leder inte dit",
        "the signer's certificate is not the trusted one and does not chain to it",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_parse() {
        let d = parse_pdf_date(b"D:20261120100000+01'00'").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-11-20T10:00:00+01:00");
        let d = parse_pdf_date(b"D:20261120100000Z").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-11-20T10:00:00+00:00");
        assert!(parse_pdf_date(b"D:2026").is_some());
        assert!(parse_pdf_date(b"nonsense").is_none());
        assert!(parse_pdf_date("D:2026ö".as_bytes()).is_some());
    }

    #[test]
    fn garbage_never_panics() {
        let samples: Vec<&[u8]> = vec![
            b"",
            b"%PDF-",
            b"%PDF-1.7\n/ByteRange",
            b"%PDF-1.7\n/ByteRange [",
            b"%PDF-1.7\n/ByteRange [0 1 2 3]",
            b"%PDF-1.7\n/ByteRange [0 10 12 999999999999999]%%EOF",
            b"%PDF-1.7\n/Contents <>/ByteRange [0 19 21 20]\n%%EOF",
            b"%PDF-1.7\n/Contents <00>/ByteRange [0 19 23 20]\n%%EOF",
            b"%PDF-1.7 /ByteRange [0 0 0 0] %%EOF",
            b"%PDF-1.7 /ByteRange [0 99999999999999999999 0 0] %%EOF",
        ];
        for s in samples {
            let _ = verify_pdf(s);
        }
    }
}
