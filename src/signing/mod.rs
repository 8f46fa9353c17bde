//! Signs and verifies PDFs with an embedded CMS signature; knows nothing of assessments.
//!
//! - [`Signer`] is an ECDSA P-256 key (ring, PKCS#8) with its X.509 certificate chain;
//!   [`new_key`] makes a key and a self-signed certificate (CN = name, title = role, O = org).
//! - [`sign_pdf`] appends an incremental update to a PDF: a `/Sig` dictionary
//!   (`/SubFilter /ETSI.CAdES.detached`), a signature field + widget on page 1 and the
//!   catalog's `/AcroForm`; the original bytes stay untouched as a prefix. The CMS
//!   `SignedData` is detached, over the `/ByteRange`, with the signed attributes content-type,
//!   message-digest, signing-time and signing-certificate-v2, and the whole chain.
//! - [`verify_pdf`] checks the last signature without parsing the object graph: the byte range
//!   covers the whole file but exactly the `/Contents` hex string, the digest, the signature
//!   over the signed attributes and the certificate's validity at signing time.
//!
//! Fingerprints are the SHA-256 of the certificate's DER, upper-case hex separated by colons
//! (as `openssl x509 -noout -fingerprint -sha256` prints them), everywhere.

pub mod adding;
mod cert;
mod cms;
mod der_walk;
pub mod keystore;
mod pdf;
mod revisions;
pub mod revocation;
mod signer;
mod tsa;
mod verify;

#[doc(hidden)]
pub mod sample;

use chrono::{DateTime, FixedOffset};

pub use cert::{
    cert_info, crl_urls, fingerprint, free_pair, new_key, pkcs8_from_pem, read_certificates, slug,
    CertInfo, Signer,
};
pub use cms::{assemble, attributes_digest, signed_attributes, verify_with_certificate};
pub use pdf::{
    add_dss, check_validity, cms_size, embed, prepare, prepare_parsed, sign_parsed_with, sign_pdf,
    sign_pdf_with, timestamp_pdf, Prepared, SigKind,
};
pub use revisions::{Change, DssCounts};
pub use signer::{ecdsa_raw_to_der, DigestSigner, KeyKind, Pkcs11Location, Pkcs11Signer};
pub use tsa::{Stamp, Tsa, DEFAULT_TIMEOUT as TSA_TIMEOUT};
pub use verify::{
    check_trust, first_signed_revision, verify_all, verify_pdf, PadesLevel, Report, Revocation,
    SignatureKind, SignatureReport, StampReport,
};

/// Checks a CMS signature (DER) over the signed byte range of a prepared file before it is
/// embedded (the signing service's answer).
pub fn check_cms(cms_der: &[u8], prepared: &Prepared) -> Result<Verification, VerifyError> {
    let (b, c) = prepared.gap;
    let bytes = &prepared.bytes;
    let checked = cms::check(cms_der, &[&bytes[..b], &bytes[c..]])?;
    let info = cert::info_of(&checked.signer, &checked.certificates[0]);
    Ok(Verification {
        signer: info.name,
        role: info.role,
        organisation: info.organisation,
        signed_at: checked
            .signing_time
            .map(|t| t.fixed_offset())
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset()),
        fingerprint: info.fingerprint,
        subfilter: pdf::SUBFILTER.into(),
        whole_file: true,
        certificates: checked.certificates,
    })
}

/// The signature's `/Reason`, `/Location` and time (`/M` and the CMS signing-time).
#[derive(Debug, Clone)]
pub struct SignInfo {
    /// e.g. "Dataskyddsbedömning"
    pub reason: String,
    pub location: String,
    pub time: DateTime<FixedOffset>,
}

/// A valid signature that covers the whole file.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The signer certificate's common name (CN).
    pub signer: String,
    /// The certificate's title (role), empty if it has none.
    pub role: String,
    /// The certificate's organisation (O), empty if it has none.
    pub organisation: String,
    /// The CMS signing-time (with the offset of the `/M` date when they agree).
    pub signed_at: DateTime<FixedOffset>,
    /// SHA-256 of the signer certificate, `AB:CD:…`.
    pub fingerprint: String,
    /// `/SubFilter` of the signature dictionary, e.g. `ETSI.CAdES.detached`.
    pub subfilter: String,
    /// The byte range covers the whole file (always true for a valid result).
    pub whole_file: bool,
    /// The certificates embedded in the signature (DER), signer first.
    pub certificates: Vec<Vec<u8>>,
}

/// Why a PDF's signature does not prove anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// No embedded signature. Exit 2.
    NotSigned(String),
    /// Not a PDF, truncated or damaged. Exit 2.
    Unreadable(String),
    /// Signed, but the signature does not hold: changed after signing, bytes appended, bad
    /// signature, certificate not valid at signing time. Exit 1.
    Invalid(String),
}

impl VerifyError {
    pub fn exit_code(&self) -> i32 {
        match self {
            VerifyError::Invalid(_) => 1,
            VerifyError::NotSigned(_) | VerifyError::Unreadable(_) => 2,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            VerifyError::NotSigned(m) | VerifyError::Unreadable(m) | VerifyError::Invalid(m) => m,
        }
    }
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for VerifyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_made_outside_the_certificate_validity_is_invalid() {
        let dir = tempfile::tempdir().unwrap();
        let made = DateTime::parse_from_rfc3339("2026-11-20T10:00:00+01:00").unwrap();
        let (k, c) = new_key(dir.path(), "Åsa Öberg", "DSO", "Kommunen", made).unwrap();
        let signer = Signer::load(&k, &c).unwrap();
        let pdf = sample::sample_pdf(1, 2000, false);
        for time in ["2026-11-19T10:00:00+01:00", "2031-11-21T10:00:00+01:00"] {
            let info = SignInfo {
                reason: "Test".into(),
                location: String::new(),
                time: DateTime::parse_from_rfc3339(time).unwrap(),
            };
            // sign_pdf refuses …
            let e = sign_pdf(&pdf, &signer, &info).unwrap_err().to_string();
            assert!(e.contains("gäller") || e.contains("valid"), "{e}");
            // … and a verifier rejects such a signature when made anyway.
            let signed = pdf::sign_pdf_unchecked(&pdf, &signer, &info).unwrap();
            match verify_pdf(&signed) {
                Err(VerifyError::Invalid(m)) => {
                    assert!(m.contains("gällde inte") || m.contains("not valid"), "{m}")
                }
                other => panic!("{other:?}"),
            }
        }
        let info = SignInfo {
            reason: "Test".into(),
            location: String::new(),
            time: made,
        };
        let v = verify_pdf(&sign_pdf(&pdf, &signer, &info).unwrap()).unwrap();
        assert_eq!(v.signed_at, made);
        assert_eq!(v.subfilter, "ETSI.CAdES.detached");
    }

    /// Preparing from the objects the renderer holds gives byte for byte the update a
    /// parse of the rendered file gives, and the signature made from them verifies.
    #[test]
    fn signing_from_the_rendered_objects_is_signing_the_rendered_bytes() {
        let meta = crate::document::Meta {
            title: "Prov – åäö".into(),
            subject: "Prov".into(),
            author: "Åsa".into(),
            keywords: vec!["dataskydd".into()],
            lang: "sv".into(),
            creator: "test".into(),
            created: DateTime::parse_from_rfc3339("2026-12-03T10:00:00+01:00").unwrap(),
        };
        let rendered =
            crate::document::render_pdf_parsed("# Rubrik\n\nText med § och ö.\n", &meta, &[])
                .unwrap();
        let kind = SigKind::Signature {
            name: "Åsa Öberg".into(),
            info: SignInfo {
                reason: "Test".into(),
                location: "Kommunen".into(),
                time: meta.created,
            },
        };
        let parsed = prepare(&rendered.bytes, &kind, 4000).unwrap();
        let held = prepare_parsed(&rendered.bytes, &rendered.objects, &kind, 4000).unwrap();
        assert_eq!(parsed.bytes, held.bytes);
        assert_eq!(parsed.gap, held.gap);

        let dir = tempfile::tempdir().unwrap();
        let (k, c) = new_key(dir.path(), "Åsa Öberg", "DSO", "Kommunen", meta.created).unwrap();
        let signer = Signer::load(&k, &c).unwrap();
        let SigKind::Signature { info, .. } = &kind else {
            unreachable!()
        };
        let signed =
            sign_parsed_with(&rendered.bytes, &rendered.objects, &signer, info, None).unwrap();
        assert!(signed.starts_with(&rendered.bytes));
        assert_eq!(verify_pdf(&signed).unwrap().signed_at, meta.created);
    }

    /// The digest-signing key, made only when first asked for, signs what the message
    /// path signs: both verify against the certificate.
    #[test]
    fn a_key_file_signs_a_digest_and_a_message_alike() {
        let dir = tempfile::tempdir().unwrap();
        let made = DateTime::parse_from_rfc3339("2026-11-20T10:00:00+01:00").unwrap();
        let (k, c) = new_key(dir.path(), "Åsa Öberg", "DSO", "Kommunen", made).unwrap();
        let signer = Signer::load(&k, &c).unwrap();
        let msg = b"signed attributes";
        let by_message = DigestSigner::sign_message(&signer, msg).unwrap();
        let by_digest = signer.sign_digest(&attributes_digest(msg)).unwrap();
        let kind = KeyKind::EcdsaP256;
        for sig in [&by_message, &by_digest] {
            verify_with_certificate(&signer.chain()[0], kind, msg, sig).unwrap();
        }
        assert!(verify_with_certificate(&signer.chain()[0], kind, b"other", &by_digest).is_err());
    }
}
