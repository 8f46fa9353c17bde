//! CMS SignedData (RFC 5652) for a detached PDF signature: building one with a ring key,
//! and checking one with ring.

use chrono::{DateTime, FixedOffset, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{GeneralizedTime, ObjectIdentifier, OctetString, SetOfVec, UtcTime};
use der::{Any, Decode, Encode};
use ring::signature;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;
use x509_cert::Certificate;

use super::der_walk;
use super::signer::KeyKind;
use super::VerifyError;
use crate::i18n::t;

/// signing-certificate-v2 (RFC 5035): binds the signer certificate to the signature.
#[derive(Clone, Debug, Eq, PartialEq, der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

#[derive(Clone, Debug, Eq, PartialEq, der::Sequence)]
struct EssCertIdV2 {
    /// DEFAULT id-sha256: absent when SHA-256.
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, der::Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

fn alg(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

fn attr(oid: ObjectIdentifier, value: Any) -> der::Result<Attribute> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

/// id-aa-signatureTimeStampToken (RFC 3161 appendix A): the unsigned attribute that carries
/// a timestamp over the signature value (PAdES B-T).
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

fn der_error(e: der::Error) -> String {
    t(
        &format!("signaturen kunde inte kodas ({e})"),
        &format!("the signature could not be encoded ({e})"),
    )
}

/// The DER of the signed attributes (a SET OF, tag 0x31: what the signature covers) of a
/// CAdES-BES signature over content with SHA-256 `digest`: content-type, signing-time,
/// message-digest and signing-certificate-v2 naming `signer_cert`.
pub fn signed_attributes(
    signer_cert: &[u8],
    digest: &[u8],
    time: DateTime<FixedOffset>,
) -> Result<Vec<u8>, String> {
    signed_attributes_der(signer_cert, digest, time).map_err(der_error)
}

fn signed_attributes_der(
    signer_cert: &[u8],
    digest: &[u8],
    time: DateTime<FixedOffset>,
) -> der::Result<Vec<u8>> {
    let cert = Certificate::from_der(signer_cert)?;
    let tbs = &cert.tbs_certificate;
    let secs =
        u64::try_from(time.timestamp()).map_err(|_| der::Error::from(der::ErrorKind::DateTime))?;
    let unix = std::time::Duration::from_secs(secs);
    let signing_time = match UtcTime::from_unix_duration(unix) {
        Ok(u) => Time::UtcTime(u),
        Err(_) => Time::GeneralTime(GeneralizedTime::from_unix_duration(unix)?),
    };
    let cert_hash = ring::digest::digest(&ring::digest::SHA256, signer_cert);
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(cert_hash.as_ref())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer.clone())],
                serial_number: tbs.serial_number.clone(),
            }),
        }],
        policies: None,
    };
    let mut attrs = SetOfVec::new();
    attrs.insert(attr(
        rfc5911::ID_CONTENT_TYPE,
        Any::encode_from(&rfc5911::ID_DATA)?,
    )?)?;
    attrs.insert(attr(
        rfc5911::ID_SIGNING_TIME,
        Any::encode_from(&signing_time)?,
    )?)?;
    attrs.insert(attr(
        rfc5911::ID_MESSAGE_DIGEST,
        Any::encode_from(&OctetString::new(digest)?)?,
    )?)?;
    attrs.insert(attr(
        rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        Any::encode_from(&ess)?,
    )?)?;
    attrs.to_der()
}

/// The SHA-256 of signed attributes: what a card, an HSM or a signing service signs.
pub fn attributes_digest(attrs_der: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, attrs_der)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

/// The DER of a detached CMS SignedData from signed attributes (as [`signed_attributes`]
/// made them), the signature over them, the chain (signer first) and, for B-T, the RFC 3161
/// timestamp token over the signature value.
pub fn assemble(
    chain: &[Vec<u8>],
    kind: KeyKind,
    attrs_der: &[u8],
    signature: &[u8],
    timestamp_token: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    assemble_der(chain, kind, attrs_der, signature, timestamp_token).map_err(der_error)
}

fn assemble_der(
    chain: &[Vec<u8>],
    kind: KeyKind,
    attrs_der: &[u8],
    signature: &[u8],
    timestamp_token: Option<&[u8]>,
) -> der::Result<Vec<u8>> {
    let cert = Certificate::from_der(chain.first().ok_or(der::ErrorKind::Failed)?)?;
    let tbs = &cert.tbs_certificate;
    let attrs: SetOfVec<Attribute> = SetOfVec::from_der(attrs_der)?;
    let unsigned_attrs = match timestamp_token {
        Some(tok) => {
            let mut u = SetOfVec::new();
            u.insert(attr(ID_AA_SIGNATURE_TIME_STAMP_TOKEN, Any::from_der(tok)?)?)?;
            Some(u)
        }
        None => None,
    };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer.clone(),
            serial_number: tbs.serial_number.clone(),
        }),
        digest_alg: alg(rfc5912::ID_SHA_256),
        signed_attrs: Some(attrs),
        signature_algorithm: match kind {
            KeyKind::EcdsaP256 => alg(kind.signature_oid()),
            KeyKind::Rsa => AlgorithmIdentifierOwned {
                oid: kind.signature_oid(),
                parameters: Some(Any::null()),
            },
        },
        signature: OctetString::new(signature)?,
        unsigned_attrs,
    };
    let mut certs = SetOfVec::new();
    for der in chain {
        certs.insert(CertificateChoices::Certificate(Certificate::from_der(der)?))?;
    }
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms.insert(alg(rfc5912::ID_SHA_256))?;
    let mut infos = SetOfVec::new();
    infos.insert(signer_info)?;
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: rfc5911::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    }
    .to_der()
}

/// Checks `sig` over `msg` with the public key of the certificate `cert_der`.
pub fn verify_with_certificate(
    cert_der: &[u8],
    kind: KeyKind,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    let cert = Certificate::from_der(cert_der).map_err(|e| e.to_string())?;
    verify_signature(
        &cert.tbs_certificate.subject_public_key_info,
        &kind.signature_oid(),
        Some(&rfc5912::ID_SHA_256),
        msg,
        sig,
    )
}

/// What a valid CMS signature says.
#[derive(Debug)]
pub struct Checked {
    /// Embedded certificates, DER, signer first, then its issuers, then any others.
    pub certificates: Vec<Vec<u8>>,
    pub signer: Certificate,
    pub signing_time: Option<DateTime<Utc>>,
    /// The signature value (what a signature timestamp covers).
    pub signature: Vec<u8>,
    /// The RFC 3161 signature-timestamp token (DER ContentInfo), when the signer added one.
    pub timestamp_token: Option<Vec<u8>>,
}

fn invalid(sv: &str, en: &str) -> VerifyError {
    VerifyError::Invalid(t(sv, en))
}

/// Hash algorithm from an OID.
fn digest_alg(oid: &ObjectIdentifier) -> Option<&'static ring::digest::Algorithm> {
    match *oid {
        o if o == rfc5912::ID_SHA_256 => Some(&ring::digest::SHA256),
        o if o == rfc5912::ID_SHA_384 => Some(&ring::digest::SHA384),
        o if o == rfc5912::ID_SHA_512 => Some(&ring::digest::SHA512),
        _ => None,
    }
}

/// Checks a detached CMS signature over the concatenation of `parts`.
/// `cms` may carry trailing zero padding (the rest of `/Contents`).
pub fn check(cms: &[u8], parts: &[&[u8]]) -> Result<Checked, VerifyError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        VerifyError::Invalid(t(
            &format!("signaturdata (CMS) i /Contents kan inte läsas ({e})"),
            &format!("the signature data (CMS) in /Contents cannot be read ({e})"),
        ))
    };
    let (tlv, rest) = der_walk::read(cms).ok_or_else(|| unreadable(&"DER"))?;
    if rest.iter().any(|&b| b != 0) {
        return Err(unreadable(&"data after the CMS structure"));
    }
    let ci = ContentInfo::from_der(tlv.whole).map_err(|e| unreadable(&e))?;
    if ci.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(unreadable(&"not SignedData"));
    }
    let sd: SignedData = ci.content.decode_as().map_err(|e| unreadable(&e))?;
    if sd.encap_content_info.econtent.is_some() {
        return Err(invalid(
            "signaturen är inte fristående (detached): den bär sitt eget innehåll",
            "the signature is not detached: it carries its own content",
        ));
    }
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| unreadable(&"no SignerInfo"))?;

    // Certificates, and the signer's among them.
    let mut certs: Vec<(Certificate, Vec<u8>)> = Vec::new();
    if let Some(set) = &sd.certificates {
        for choice in set.0.iter() {
            if let CertificateChoices::Certificate(c) = choice {
                let der = c.to_der().map_err(|e| unreadable(&e))?;
                certs.push((c.clone(), der));
            }
        }
    }
    let signer_idx = certs
        .iter()
        .position(|(c, _)| matches_sid(c, &si.sid))
        .ok_or_else(|| {
            invalid(
                "undertecknarens certifikat saknas i signaturen",
                "the signer's certificate is missing from the signature",
            )
        })?;

    // Digest of the signed byte ranges.
    let halg = digest_alg(&si.digest_alg.oid).ok_or_else(|| {
        invalid(
            &format!("okänd sammandragsalgoritm {}", si.digest_alg.oid),
            &format!("unknown digest algorithm {}", si.digest_alg.oid),
        )
    })?;
    if !sd
        .digest_algorithms
        .iter()
        .any(|a| a.oid == si.digest_alg.oid)
    {
        return Err(unreadable(&"digestAlgorithms does not list the signer's"));
    }
    let mut ctx = ring::digest::Context::new(halg);
    for p in parts {
        ctx.update(p);
    }
    let digest = ctx.finish();

    let attrs = si.signed_attrs.as_ref().ok_or_else(|| {
        invalid(
            "signaturen saknar signerade attribut",
            "the signature has no signed attributes",
        )
    })?;
    let one = |oid: ObjectIdentifier| -> Option<&Any> {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let ct = one(rfc5911::ID_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
    if ct != Some(rfc5911::ID_DATA) || sd.encap_content_info.econtent_type != rfc5911::ID_DATA {
        return Err(invalid(
            "signaturens content-type är inte id-data",
            "the signature's content-type is not id-data",
        ));
    }
    let md = one(rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or_else(|| {
            invalid(
                "signaturen saknar message-digest",
                "the signature has no message-digest",
            )
        })?;
    if md.as_bytes() != digest.as_ref() {
        return Err(invalid(
            "dokumentet har ändrats efter signeringen: kontrollsumman över de signerade \
             byten stämmer inte med signaturen",
            "the document was changed after signing: the digest of the signed bytes does not \
             match the signature",
        ));
    }
    let signing_time = one(rfc5911::ID_SIGNING_TIME)
        .and_then(|v| v.to_der().ok())
        .and_then(|d| Time::from_der(&d).ok())
        .and_then(|tm| DateTime::<Utc>::from_timestamp(tm.to_unix_duration().as_secs() as i64, 0));

    // The signature over the signed attributes, exactly as encoded.
    let raw_attrs = der_walk::signed_attrs_of_first_signer(tlv.whole)
        .ok_or_else(|| unreadable(&"signed attributes"))?;
    let (signer, signer_der) = &certs[signer_idx];
    verify_signature(
        &signer.tbs_certificate.subject_public_key_info,
        &si.signature_algorithm.oid,
        Some(&si.digest_alg.oid),
        &raw_attrs,
        si.signature.as_bytes(),
    )
    .map_err(|m| {
        VerifyError::Invalid(t(
            &format!("signaturen är ogiltig: {m}"),
            &format!("the signature is not valid: {m}"),
        ))
    })?;

    // signing-certificate-v2, when present, must name this certificate.
    if let Some(v) = one(rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2) {
        let ess: SigningCertificateV2 = v.decode_as().map_err(|e| unreadable(&e))?;
        let ok = ess.certs.first().is_some_and(|id| {
            let h = id
                .hash_algorithm
                .as_ref()
                .map(|a| digest_alg(&a.oid))
                .unwrap_or(Some(&ring::digest::SHA256));
            h.is_some_and(|h| {
                ring::digest::digest(h, signer_der).as_ref() == id.cert_hash.as_bytes()
            })
        });
        if !ok {
            return Err(invalid(
                "signing-certificate-v2 pekar på ett annat certifikat än undertecknarens",
                "signing-certificate-v2 names another certificate than the signer's",
            ));
        }
    }

    // Order: signer, its issuer, …, then the rest.
    let mut ordered = vec![certs[signer_idx].clone()];
    let mut rest: Vec<_> = certs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != signer_idx)
        .map(|(_, c)| c.clone())
        .collect();
    loop {
        let last = &ordered[ordered.len() - 1].0;
        if last.tbs_certificate.issuer == last.tbs_certificate.subject {
            break;
        }
        match rest
            .iter()
            .position(|(c, _)| c.tbs_certificate.subject == last.tbs_certificate.issuer)
        {
            Some(i) => ordered.push(rest.remove(i)),
            None => break,
        }
    }
    ordered.extend(rest);
    let timestamp_token = si
        .unsigned_attrs
        .as_ref()
        .and_then(|u| u.iter().find(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN))
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.to_der().ok());
    Ok(Checked {
        certificates: ordered.into_iter().map(|(_, d)| d).collect(),
        signer: signer.clone(),
        signing_time,
        signature: si.signature.as_bytes().to_vec(),
        timestamp_token,
    })
}

pub(crate) fn matches_sid(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(is) => {
            cert.tbs_certificate.issuer == is.issuer
                && cert.tbs_certificate.serial_number == is.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => cert
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == rfc5912::ID_CE_SUBJECT_KEY_IDENTIFIER)
            .and_then(|e| OctetString::from_der(e.extn_value.as_bytes()).ok())
            .is_some_and(|k| k == ski.0),
    }
}

/// Verifies `sig` over `msg` with a certificate's public key. Supports ECDSA P-256/P-384
/// and RSA PKCS#1 v1.5 with SHA-256/384/512. `digest` is the CMS digest algorithm, used
/// when the signature algorithm does not name a hash (id-ecPublicKey, rsaEncryption).
pub fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    sig_alg: &ObjectIdentifier,
    digest: Option<&ObjectIdentifier>,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    #[derive(PartialEq)]
    enum H {
        S256,
        S384,
        S512,
    }
    let hash_of = |o: &ObjectIdentifier| match *o {
        o if o == rfc5912::ID_SHA_256 => Some(H::S256),
        o if o == rfc5912::ID_SHA_384 => Some(H::S384),
        o if o == rfc5912::ID_SHA_512 => Some(H::S512),
        _ => None,
    };
    let hash = match *sig_alg {
        o if o == rfc5912::ECDSA_WITH_SHA_256 || o == rfc5912::SHA_256_WITH_RSA_ENCRYPTION => {
            Some(H::S256)
        }
        o if o == rfc5912::ECDSA_WITH_SHA_384 || o == rfc5912::SHA_384_WITH_RSA_ENCRYPTION => {
            Some(H::S384)
        }
        o if o == rfc5912::SHA_512_WITH_RSA_ENCRYPTION => Some(H::S512),
        o if o == rfc5912::ID_EC_PUBLIC_KEY || o == rfc5912::RSA_ENCRYPTION => {
            digest.and_then(hash_of)
        }
        _ => None,
    };
    let key = spki.subject_public_key.raw_bytes();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let algorithm: &'static dyn signature::VerificationAlgorithm =
        if spki.algorithm.oid == rfc5912::ID_EC_PUBLIC_KEY {
            match (curve, hash) {
                (Some(c), Some(H::S256)) if c == rfc5912::SECP_256_R_1 => {
                    &signature::ECDSA_P256_SHA256_ASN1
                }
                (Some(c), Some(H::S384)) if c == rfc5912::SECP_256_R_1 => {
                    &signature::ECDSA_P256_SHA384_ASN1
                }
                (Some(c), Some(H::S256)) if c == rfc5912::SECP_384_R_1 => {
                    &signature::ECDSA_P384_SHA256_ASN1
                }
                (Some(c), Some(H::S384)) if c == rfc5912::SECP_384_R_1 => {
                    &signature::ECDSA_P384_SHA384_ASN1
                }
                _ => return Err(unsupported(sig_alg)),
            }
        } else if spki.algorithm.oid == rfc5912::RSA_ENCRYPTION {
            match hash {
                Some(H::S256) => &signature::RSA_PKCS1_2048_8192_SHA256,
                Some(H::S384) => &signature::RSA_PKCS1_2048_8192_SHA384,
                Some(H::S512) => &signature::RSA_PKCS1_2048_8192_SHA512,
                None => return Err(unsupported(sig_alg)),
            }
        } else {
            return Err(unsupported(&spki.algorithm.oid));
        };
    signature::UnparsedPublicKey::new(algorithm, key)
        .verify(msg, sig)
        .map_err(|_| {
            t(
                "den kryptografiska kontrollen misslyckades",
                "the cryptographic check failed",
            )
        })
}

fn unsupported(oid: &ObjectIdentifier) -> String {
    t(
        &format!("algoritmen {oid} stöds inte"),
        &format!("algorithm {oid} is not supported"),
    )
}
