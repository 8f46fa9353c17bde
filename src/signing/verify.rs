//! Verifying the last embedded signature of a PDF without parsing its object graph: find the
//! last well-formed `/ByteRange`, check that it covers the whole file except exactly the
//! `/Contents` hex string, re-hash, and check the CMS signature and the certificate.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use der::{Decode, Encode};
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

fn hex_decode(h: &[u8]) -> Vec<u8> {
    let v = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    };
    h.chunks_exact(2)
        .filter(|p| p.iter().all(u8::is_ascii_hexdigit))
        .map(|p| (v(p[0]) << 4) | v(p[1]))
        .collect()
}

/// Every `/ByteRange` in the file whose gap is exactly a `/Contents` hex string, in file
/// order; and whether some other `/ByteRange` (damaged, cut) was seen.
fn all_ranges(pdf: &[u8]) -> (Vec<Range>, Option<Range>) {
    let mut out = Vec::new();
    let mut damaged = None;
    let mut from = 0;
    while let Some(pos) = find(pdf, b"/ByteRange", from) {
        from = pos + b"/ByteRange".len();
        let Some(r) = parse_range(pdf, pos) else {
            continue;
        };
        let mut k = r.b as usize;
        let contents = gap_is_hex_string(pdf, &r) && {
            while k > 0 && is_ws(pdf[k - 1]) {
                k -= 1;
            }
            pdf[..k].ends_with(b"/Contents")
        };
        if contents {
            out.push(r);
        } else if r.a != 0 || r.b != 0 || r.c != 0 || r.d != 0 {
            damaged = Some(r);
        }
    }
    (out, damaged)
}

/// The reserved gap `[b, c)` of the last signature dictionary (for a prepared file).
pub(crate) fn last_gap(pdf: &[u8]) -> Option<(usize, usize)> {
    let (ranges, _) = all_ranges(pdf);
    ranges.last().map(|r| (r.b as usize, r.c as usize))
}

/// The bytes of the first signed revision: what the first signer signed (`rerun` reads the
/// answers from there, never from a later update).
pub fn first_signed_revision(pdf: &[u8]) -> Option<&[u8]> {
    let (ranges, _) = all_ranges(pdf);
    let end = ranges
        .iter()
        .filter(|r| r.a == 0)
        .map(|r| r.c.saturating_add(r.d))
        .filter(|&e| e <= pdf.len() as u64)
        .min()?;
    Some(&pdf[..end as usize])
}

/// Verifies the (last) embedded signature, and that nothing but allowed changes (another
/// signature, a timestamp, validation data) came after any signature.
pub fn verify_pdf(pdf: &[u8]) -> Result<Verification, VerifyError> {
    let report = verify_all(pdf)?;
    if let Some(problem) = report.problem() {
        return Err(VerifyError::Invalid(problem));
    }
    report
        .signatures
        .iter()
        .rev()
        .find_map(|s| s.verification.clone())
        .ok_or_else(|| {
            VerifyError::NotSigned(t(
                "PDF-filen har bara dokumenttidsstämplar, ingen signatur",
                "the PDF has only document timestamps, no signature",
            ))
        })
}

/// Examines every signature and document timestamp of a PDF. `Err` only when the file is
/// not a PDF or carries no signature at all; a broken or changed signature is reported in
/// the [`Report`] (see [`Report::problem`]).
pub fn verify_all(pdf: &[u8]) -> Result<Report, VerifyError> {
    let head = &pdf[..pdf.len().min(1024)];
    if find(head, b"%PDF-", 0).is_none() {
        return Err(unreadable(
            "filen är ingen PDF (rubriken %PDF- saknas)",
            "the file is not a PDF (no %PDF- header)",
        ));
    }
    let (ranges, damaged) = all_ranges(pdf);
    let len = pdf.len() as u64;
    if ranges.is_empty() {
        if let Some(r) = damaged {
            // A signature was there: the file was cut or its signature dictionary damaged.
            let signed_end = r.c.saturating_add(r.d);
            return Err(VerifyError::Invalid(t(
                &format!(
                    "filen har ändrats efter signeringen: den är avkortad eller skadad \
                     (signaturen omfattar {signed_end} byte, filen har {len})"
                ),
                &format!(
                    "the file was changed after signing: it is cut or damaged (the signature \
                     covers {signed_end} bytes, the file has {len})"
                ),
            )));
        }
        let tail_start = pdf.len().saturating_sub(1024);
        if find(pdf, b"%%EOF", tail_start).is_none() {
            return Err(unreadable(
                "PDF-filen är avkortad eller skadad (%%EOF saknas i slutet)",
                "the PDF is truncated or damaged (no %%EOF at the end)",
            ));
        }
        return Err(VerifyError::NotSigned(t(
            "PDF-filen har ingen inbäddad signatur",
            "the PDF has no embedded signature",
        )));
    }

    let mut signatures: Vec<SignatureReport> = Vec::new();
    for r in &ranges {
        signatures.push(check_one(pdf, r));
    }
    signatures.sort_by_key(|s| s.covers);
    // The revisions: each signature's end, then the file's end.
    let mut problems = Vec::new();
    for i in 0..signatures.len() {
        let end = signatures[i].covers;
        if end > pdf.len() {
            continue;
        }
        let next_end = signatures
            .get(i + 1)
            .map(|s| s.covers.min(pdf.len()))
            .unwrap_or(pdf.len());
        if next_end <= end {
            continue;
        }
        let changes = match super::revisions::compare(&pdf[..end], &pdf[..next_end]) {
            Ok(c) => c,
            Err(_) => vec![Change {
                allowed: false,
                what: t(
                    &format!(
                        "{} byte har lagts till efter byte {end} som inte är en läsbar PDF-revision",
                        next_end - end
                    ),
                    &format!(
                        "{} bytes were added after byte {end} that are not a readable PDF revision",
                        next_end - end
                    ),
                ),
            }],
        };
        // Bytes that change nothing a reader sees are still not signed: appended after the
        // signature (a comment, an object without a cross-reference section).
        let changes = if changes.is_empty() {
            let n = next_end - end;
            let who = signatures[i]
                .verification
                .as_ref()
                .map(|v| v.signer.clone())
                .unwrap_or_else(|| t("tidsstämpeln", "the timestamp"));
            vec![Change {
                allowed: false,
                what: t(
                    &format!(
                        "{n} byte har lagts till efter signeringen (signaturen av {who} täcker bara \
                         filen fram till byte {end}); det tillagda är inte signerat"
                    ),
                    &format!(
                        "{n} bytes were appended after signing (the signature by {who} covers the \
                         file only up to byte {end}); what was added is not signed"
                    ),
                ),
            }]
        } else {
            changes
        };
        // Every earlier signature sees this revision's changes too.
        for s in signatures.iter_mut().take(i + 1) {
            s.changes_after.extend(changes.iter().cloned());
        }
        if changes.iter().any(|c| !c.allowed) {
            problems.push(i);
        }
    }
    for s in &mut signatures {
        s.whole_file = s.covers == pdf.len();
        if let Some(v) = &mut s.verification {
            v.whole_file = s.whole_file;
        }
    }
    // Levels: B-LT when validation data were embedded after (or with) the signature, B-LTA
    // when a document timestamp came after those.
    let dss_data = super::revisions::dss_data(pdf);
    let dss = dss_data.as_ref().map(|d| super::revisions::DssCounts {
        certs: d.certs.len(),
        ocsps: d.ocsps.len(),
        crls: d.crls.len(),
    });
    let n = signatures.len();
    for i in 0..n {
        if signatures[i].kind != SignatureKind::Signature || signatures[i].problem.is_some() {
            continue;
        }
        // What the embedded revocation data say of the chain: a certificate revoked before
        // the time the signature is proven to exist makes it worthless.
        let mut complete = true;
        if let (Some(d), Some(v)) = (&dss_data, signatures[i].verification.clone()) {
            let proven = signatures[i]
                .timestamp
                .as_ref()
                .map(|t| t.time)
                .unwrap_or_else(|| v.signed_at.with_timezone(&Utc));
            let pool: Vec<Vec<u8>> = v.certificates.iter().chain(&d.certs).cloned().collect();
            for (k, c) in v.certificates.iter().enumerate() {
                let found = super::revocation::embedded_status(c, &pool, &d.ocsps, &d.crls);
                if found.is_none() && super::revocation::names_revocation_locations(c) {
                    complete = false;
                }
                let Some(e) = found else { continue };
                let name = Certificate::from_der(c)
                    .map(|x| info_of(&x, c).name)
                    .unwrap_or_default();
                let revocation = Revocation {
                    certificate: name.clone(),
                    status: e.status.clone(),
                    source: e.source.clone(),
                };
                if let super::revocation::Status::Revoked { at, .. } = e.status {
                    if at <= proven {
                        signatures[i].problem = Some(t(
                            &format!(
                                "certifikatet för {name} spärrades {} enligt {} i filen, före \
                                 signaturens tid {}: signaturen håller inte",
                                at.to_rfc3339(),
                                e.source,
                                proven.to_rfc3339()
                            ),
                            &format!(
                                "the certificate of {name} was revoked at {} per the {} in the \
                                 file, before the signature's time {}: the signature does not hold",
                                at.to_rfc3339(),
                                e.source,
                                proven.to_rfc3339()
                            ),
                        ));
                    }
                }
                if k == 0 || matches!(revocation.status, super::revocation::Status::Revoked { .. })
                {
                    signatures[i].revocation.push(revocation);
                }
            }
        }
        if signatures[i].problem.is_some() {
            continue;
        }
        let dss_later = complete
            && signatures[i]
                .changes_after
                .iter()
                .any(|c| c.allowed && c.what.contains("DSS"));
        let doc_ts_later = signatures[i + 1..]
            .iter()
            .any(|s| s.kind == SignatureKind::DocumentTimestamp && s.problem.is_none());
        let has_ts = signatures[i].timestamp.is_some();
        signatures[i].level = Some(match (has_ts, dss_later, doc_ts_later) {
            (true, true, true) => PadesLevel::BLta,
            (true, true, false) => PadesLevel::BLt,
            (true, false, _) => PadesLevel::BT,
            (false, _, _) => PadesLevel::BB,
        });
    }
    Ok(Report {
        signatures,
        validation_data: dss,
        file_len: pdf.len(),
    })
}

/// A signature or a document timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    Signature,
    DocumentTimestamp,
}

/// PAdES baseline level (ETSI EN 319 142-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadesLevel {
    /// Basic: the signer's own claimed time.
    BB,
    /// With a signature timestamp from a TSA: the signature existed at that time.
    BT,
    /// With validation data (certificates, OCSP, CRL) embedded: checkable without network.
    BLt,
    /// With a document timestamp over the validation data: renewable long-term evidence.
    BLta,
}

impl PadesLevel {
    pub fn code(self) -> &'static str {
        match self {
            PadesLevel::BB => "B-B",
            PadesLevel::BT => "B-T",
            PadesLevel::BLt => "B-LT",
            PadesLevel::BLta => "B-LTA",
        }
    }
}

/// A timestamp (signature timestamp or document timestamp) as checked.
#[derive(Debug, Clone)]
pub struct StampReport {
    pub time: DateTime<Utc>,
    pub tsa: String,
    /// The certificates in the token (DER), the TSA's first.
    pub certificates: Vec<Vec<u8>>,
}

/// One signature or document timestamp of a PDF.
#[derive(Debug, Clone)]
pub struct SignatureReport {
    pub kind: SignatureKind,
    /// The checked signature (None for a document timestamp, or when it does not hold).
    pub verification: Option<Verification>,
    /// Why it does not hold.
    pub problem: Option<String>,
    /// The `/Reason` of the signature dictionary.
    pub reason: String,
    /// The signature timestamp, or the document timestamp itself.
    pub timestamp: Option<StampReport>,
    /// The signed revision ends at this byte.
    pub covers: usize,
    pub whole_file: bool,
    /// Everything later revisions changed.
    pub changes_after: Vec<Change>,
    pub level: Option<PadesLevel>,
    /// What the embedded revocation data say: the signer's certificate first, then any
    /// certificate of its chain they say is revoked.
    pub revocation: Vec<Revocation>,
}

/// What embedded OCSP responses or CRLs say of one certificate of a signature's chain.
#[derive(Debug, Clone)]
pub struct Revocation {
    /// The certificate's common name.
    pub certificate: String,
    pub status: super::revocation::Status,
    /// `OCSP (responder)` or `CRL (issuer)`.
    pub source: String,
}

/// Every signature of a PDF.
#[derive(Debug, Clone)]
pub struct Report {
    /// In the order they were made.
    pub signatures: Vec<SignatureReport>,
    /// What the `/DSS` holds, when the file embeds validation data.
    pub validation_data: Option<super::revisions::DssCounts>,
    pub file_len: usize,
}

impl Report {
    /// The first reason the file is not what its signers signed, if any.
    pub fn problem(&self) -> Option<String> {
        for (i, s) in self.signatures.iter().enumerate() {
            if let Some(p) = &s.problem {
                return Some(if self.signatures.len() > 1 {
                    t(
                        &format!("signatur {}: {p}", i + 1),
                        &format!("signature {}: {p}", i + 1),
                    )
                } else {
                    p.clone()
                });
            }
        }
        for s in &self.signatures {
            if let Some(c) = s.changes_after.iter().find(|c| !c.allowed) {
                let who = s
                    .verification
                    .as_ref()
                    .map(|v| v.signer.clone())
                    .unwrap_or_else(|| t("tidsstämpeln", "the timestamp"));
                return Some(t(
                    &format!(
                        "dokumentet har ändrats efter att {who} signerade: {} (en senare revision \
                         får bara lägga till signaturer, tidsstämplar och valideringsdata)",
                        c.what
                    ),
                    &format!(
                        "the document was changed after {who} signed: {} (a later revision may \
                         only add signatures, timestamps and validation data)",
                        c.what
                    ),
                ));
            }
        }
        None
    }
}

use super::revisions::Change;

fn check_one(pdf: &[u8], r: &Range) -> SignatureReport {
    let (b, c) = (r.b as usize, r.c as usize);
    let end = r.c.saturating_add(r.d);
    let dict_start = rfind(pdf, b"obj", r.pos.min(b)).unwrap_or(0);
    let dict_end = find(pdf, b"endobj", c).unwrap_or(pdf.len());
    let before = &pdf[dict_start..b];
    let after = &pdf[c..dict_end];
    let subfilter = name_after(before, b"/SubFilter")
        .or_else(|| name_after(after, b"/SubFilter"))
        .unwrap_or_default();
    let kind = if subfilter == super::pdf::TIMESTAMP_SUBFILTER {
        SignatureKind::DocumentTimestamp
    } else {
        SignatureKind::Signature
    };
    let reason = text_after(before, b"/Reason")
        .or_else(|| text_after(after, b"/Reason"))
        .unwrap_or_default();
    let mut rep = SignatureReport {
        kind,
        verification: None,
        problem: None,
        reason,
        timestamp: None,
        covers: end.min(usize::MAX as u64) as usize,
        whole_file: false,
        changes_after: Vec::new(),
        level: None,
        revocation: Vec::new(),
    };
    if end > pdf.len() as u64 {
        rep.problem = Some(t(
            &format!(
                "filen har ändrats efter signeringen: den är avkortad (signaturen omfattar {end} byte \
                 men filen har bara {})",
                pdf.len()
            ),
            &format!(
                "the file was changed after signing: it is cut (the signature covers {end} bytes \
                 but the file has only {})",
                pdf.len()
            ),
        ));
        return rep;
    }
    if r.a != 0 {
        rep.problem = Some(t(
            "signaturens byteintervall börjar inte vid filens början",
            "the signature's byte range does not start at the beginning of the file",
        ));
        return rep;
    }
    let end = end as usize;
    let cms_bytes = hex_decode(&pdf[b + 1..c - 1]);
    if kind == SignatureKind::DocumentTimestamp {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(&pdf[..b]);
        ctx.update(&pdf[c..end]);
        let h = ctx.finish();
        let trimmed = der_len(&cms_bytes)
            .map(|n| &cms_bytes[..n])
            .unwrap_or(&cms_bytes);
        match super::tsa::check_token(trimmed, h.as_ref()) {
            Ok((st, _)) => {
                rep.timestamp = Some(StampReport {
                    time: st.time,
                    tsa: st.tsa,
                    certificates: st.certificates,
                })
            }
            Err(m) => rep.problem = Some(m),
        }
        return rep;
    }
    match check_signature(pdf, r, &cms_bytes, before, after) {
        Ok((v, stamp)) => {
            rep.verification = Some(v);
            rep.timestamp = stamp;
        }
        Err(e) => rep.problem = Some(e.message().to_string()),
    }
    rep
}

/// The length of the DER element at the start of `data`.
fn der_len(data: &[u8]) -> Option<usize> {
    super::der_walk::read(data).map(|(t, _)| t.whole.len())
}

fn check_signature(
    pdf: &[u8],
    r: &Range,
    cms_bytes: &[u8],
    before: &[u8],
    after: &[u8],
) -> Result<(Verification, Option<StampReport>), VerifyError> {
    let (b, c, end) = (r.b as usize, r.c as usize, (r.c + r.d) as usize);
    let checked = cms::check(cms_bytes, &[&pdf[..b], &pdf[c..end]])?;
    let info = info_of(&checked.signer, &checked.certificates[0]);
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
    let stamp = match &checked.timestamp_token {
        Some(tok) => {
            let h = super::pdf::sha256(&checked.signature);
            let (st, _) = super::tsa::check_token(tok, &h).map_err(|m| {
                VerifyError::Invalid(t(
                    &format!("signaturens tidsstämpel håller inte: {m}"),
                    &format!("the signature's timestamp does not hold: {m}"),
                ))
            })?;
            Some(StampReport {
                time: st.time,
                tsa: st.tsa,
                certificates: st.certificates,
            })
        }
        None => None,
    };
    Ok((
        Verification {
            signer: info.name,
            role: info.role,
            organisation: info.organisation,
            signed_at,
            fingerprint: info.fingerprint,
            subfilter,
            whole_file: end == pdf.len(),
            certificates: checked.certificates,
        },
        stamp,
    ))
}

/// A text string after `key`: `(literal)` or `<FEFF…>` hex (UTF-16BE).
fn text_after(hay: &[u8], key: &[u8]) -> Option<String> {
    let p = find(hay, key, 0)?;
    let mut i = p + key.len();
    while i < hay.len() && is_ws(hay[i]) {
        i += 1;
    }
    match hay.get(i)? {
        b'<' => {
            let close = find(hay, b">", i)?;
            let raw = hex_decode(&hay[i + 1..close]);
            if raw.starts_with(&[0xFE, 0xFF]) {
                let units: Vec<u16> = raw[2..]
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                Some(String::from_utf16_lossy(&units))
            } else {
                Some(String::from_utf8_lossy(&raw).into_owned())
            }
        }
        b'(' => {
            let close = find(hay, b")", i)?;
            Some(String::from_utf8_lossy(&hay[i + 1..close]).into_owned())
        }
        _ => None,
    }
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
