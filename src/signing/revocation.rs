//! Revocation data for long-term validation (PAdES B-LT): OCSP responses (RFC 6960) fetched
//! from the OCSP location each certificate's Authority Information Access names, CRLs from
//! its HTTP distribution points, each checked before it is embedded; and the reading of
//! what a file embeds (`verify`: was the signer's certificate revoked, and when).
//!
//! What leaves the machine: the OCSP request names the certificate by its issuer's name and
//! key hashes and its serial number (RFC 6960 4.1.1); a CRL is a plain GET.

use std::time::Duration;

use chrono::{DateTime, Utc};
use const_oid::db::{rfc5912, rfc6960};
use der::asn1::{Null, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints, ExtendedKeyUsage};
use x509_cert::Certificate;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    TbsRequest,
};

use super::cert::info_of;
use super::cms;
use crate::i18n::t;

/// How long an OCSP responder or a CRL server may take.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// A certificate with its DER.
#[derive(Clone)]
struct Cert {
    cert: Certificate,
    der: Vec<u8>,
}

fn parse_all(ders: &[Vec<u8>]) -> Vec<Cert> {
    ders.iter()
        .filter_map(|d| {
            Certificate::from_der(d).ok().map(|c| Cert {
                cert: c,
                der: d.clone(),
            })
        })
        .collect()
}

fn name_of(c: &Certificate) -> String {
    let der = c.to_der().unwrap_or_default();
    info_of(c, &der).name
}

/// `issuer` signed `cert` (names match and the signature holds).
fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    issuer.tbs_certificate.subject == cert.tbs_certificate.issuer
        && cms::verify_signature(
            &issuer.tbs_certificate.subject_public_key_info,
            &cert.signature_algorithm.oid,
            None,
            &tbs,
            cert.signature.raw_bytes(),
        )
        .is_ok()
}

fn self_signed(c: &Certificate) -> bool {
    c.tbs_certificate.subject == c.tbs_certificate.issuer && issued_by(c, c)
}

fn issuer_in<'a>(cert: &Certificate, pool: &'a [Cert]) -> Option<&'a Cert> {
    pool.iter()
        .find(|i| i.cert != *cert && issued_by(cert, &i.cert))
}

/// The HTTP(S) OCSP locations of a certificate's Authority Information Access.
pub fn ocsp_urls(der: &[u8]) -> Vec<String> {
    let Ok(cert) = Certificate::from_der(der) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        if ext.extn_id != rfc5912::ID_PE_AUTHORITY_INFO_ACCESS {
            continue;
        }
        let Ok(aia) = AuthorityInfoAccessSyntax::from_der(ext.extn_value.as_bytes()) else {
            continue;
        };
        for ad in aia.0 {
            if ad.access_method != rfc5912::ID_AD_OCSP {
                continue;
            }
            if let GeneralName::UniformResourceIdentifier(u) = ad.access_location {
                let u = u.to_string();
                if (u.starts_with("http://") || u.starts_with("https://")) && !out.contains(&u) {
                    out.push(u);
                }
            }
        }
    }
    out
}

/// The HTTP(S) CRL distribution points of one certificate.
fn crl_urls_of(cert: &Certificate) -> Vec<String> {
    let mut out = Vec::new();
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        if ext.extn_id != rfc5912::ID_CE_CRL_DISTRIBUTION_POINTS {
            continue;
        }
        let Ok(dps) = CrlDistributionPoints::from_der(ext.extn_value.as_bytes()) else {
            continue;
        };
        for dp in dps.0 {
            if let Some(DistributionPointName::FullName(names)) = dp.distribution_point {
                for n in names {
                    if let GeneralName::UniformResourceIdentifier(u) = n {
                        let u = u.to_string();
                        if (u.starts_with("http://") || u.starts_with("https://"))
                            && !out.contains(&u)
                        {
                            out.push(u);
                        }
                    }
                }
            }
        }
    }
    out
}

fn sha1(b: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, b)
        .as_ref()
        .to_vec()
}

/// RFC 6960 CertID with SHA-1 (what responders must support, RFC 5019 2.1.1).
fn cert_id(cert: &Certificate, issuer: &Certificate) -> der::Result<CertId> {
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: rfc5912::ID_SHA_1,
            parameters: Some(Null.into()),
        },
        issuer_name_hash: OctetString::new(sha1(&cert.tbs_certificate.issuer.to_der()?))?,
        issuer_key_hash: OctetString::new(sha1(
            issuer
                .tbs_certificate
                .subject_public_key_info
                .subject_public_key
                .raw_bytes(),
        ))?,
        serial_number: cert.tbs_certificate.serial_number.clone(),
    })
}

/// The same certificate is meant (the hash algorithm's parameters may be NULL or absent).
fn same_id(a: &CertId, b: &CertId) -> bool {
    a.hash_algorithm.oid == b.hash_algorithm.oid
        && a.issuer_name_hash == b.issuer_name_hash
        && a.issuer_key_hash == b.issuer_key_hash
        && a.serial_number == b.serial_number
}

fn to_utc(secs: u64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(secs as i64, 0).unwrap_or_default()
}

/// What revocation data say of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Good,
    Revoked {
        at: DateTime<Utc>,
        /// The CRL reason (RFC 5280 5.3.1), e.g. `KeyCompromise`, if given.
        reason: Option<String>,
    },
    Unknown,
}

/// A checked OCSP response.
#[derive(Debug, Clone)]
pub struct Checked {
    pub status: Status,
    pub this_update: DateTime<Utc>,
    /// Who signed it: the CA itself or its delegated responder (common name).
    pub responder: String,
    /// The delegated responder's certificate (DER), embedded with the response.
    pub responder_certs: Vec<Vec<u8>>,
}

fn bad(what: &str, en: &str) -> String {
    t(
        &format!("OCSP-svaret håller inte: {what}"),
        &format!("the OCSP response does not hold: {en}"),
    )
}

/// Checks an OCSP response (DER) for `cert` issued by `issuer`: status successful, a basic
/// response, a single response for this very certificate, signed by the issuer or by a
/// responder the issuer delegated to (extendedKeyUsage OCSPSigning), and this nonce when the
/// responder echoed one.
fn check_response(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    nonce: Option<&[u8]>,
) -> Result<Checked, String> {
    let resp = OcspResponse::from_der(der).map_err(|e| {
        bad(
            &format!("inget OCSP-svar ({e})"),
            &format!("not an OCSP response ({e})"),
        )
    })?;
    if resp.response_status != OcspResponseStatus::Successful {
        let s = format!("{:?}", resp.response_status);
        return Err(bad(
            &format!("tjänsten svarade {s}"),
            &format!("the responder answered {s}"),
        ));
    }
    let bytes = resp
        .response_bytes
        .ok_or_else(|| bad("svaret är tomt", "the answer is empty"))?;
    if bytes.response_type != rfc6960::ID_PKIX_OCSP_BASIC {
        return Err(bad(
            "inget grundläggande OCSP-svar (id-pkix-ocsp-basic)",
            "not a basic OCSP response (id-pkix-ocsp-basic)",
        ));
    }
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes()).map_err(|e| {
        bad(
            &format!("svaret kan inte läsas ({e})"),
            &format!("the answer cannot be read ({e})"),
        )
    })?;
    let want = cert_id(cert, issuer).map_err(|e| e.to_string())?;
    let single = basic
        .tbs_response_data
        .responses
        .iter()
        .find(|r| same_id(&r.cert_id, &want))
        .ok_or_else(|| {
            bad(
                "det gäller inte det efterfrågade certifikatet (fel CertID)",
                "it is not about the certificate asked for (wrong CertID)",
            )
        })?;
    if let (Some(n), Some(got)) = (nonce, basic.nonce()) {
        if got.0.as_bytes() != n {
            return Err(bad(
                "det bär inte vår nonce (ett svar på en annan begäran?)",
                "it does not carry our nonce (an answer to another request?)",
            ));
        }
    }
    let tbs = basic
        .tbs_response_data
        .to_der()
        .map_err(|e| e.to_string())?;
    let verifies = |c: &Certificate| {
        cms::verify_signature(
            &c.tbs_certificate.subject_public_key_info,
            &basic.signature_algorithm.oid,
            None,
            &tbs,
            basic.signature.raw_bytes(),
        )
        .is_ok()
    };
    let (responder, responder_certs) = if verifies(issuer) {
        (name_of(issuer), Vec::new())
    } else {
        let delegated = basic.certs.iter().flatten().find(|r| {
            issued_by(r, issuer) && has_eku(r, rfc5912::ID_KP_OCSP_SIGNING) && verifies(r)
        });
        match delegated {
            Some(r) => (name_of(r), vec![r.to_der().map_err(|e| e.to_string())?]),
            None => {
                return Err(bad(
                    &format!(
                        "det är inte signerat av utfärdaren {} eller av en svarstjänst som \
                         utfärdaren har delegerat till (extendedKeyUsage OCSPSigning)",
                        name_of(issuer)
                    ),
                    &format!(
                        "it is not signed by the issuer {} nor by a responder the issuer \
                         delegated to (extendedKeyUsage OCSPSigning)",
                        name_of(issuer)
                    ),
                ))
            }
        }
    };
    let status = match &single.cert_status {
        CertStatus::Good(_) => Status::Good,
        CertStatus::Revoked(r) => Status::Revoked {
            at: to_utc(r.revocation_time.0.to_unix_duration().as_secs()),
            reason: r.revocation_reason.map(|c| format!("{c:?}")),
        },
        CertStatus::Unknown(_) => Status::Unknown,
    };
    Ok(Checked {
        status,
        this_update: to_utc(single.this_update.0.to_unix_duration().as_secs()),
        responder,
        responder_certs,
    })
}

fn has_eku(c: &Certificate, oid: ObjectIdentifier) -> bool {
    c.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == rfc5912::ID_CE_EXT_KEY_USAGE)
        .filter_map(|e| ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok())
        .any(|k| k.0.contains(&oid))
}

fn fetch_error(url: &str, sv: &str, en: &str) -> String {
    t(
        &format!(
            "valideringsdata från {url} kunde inte hämtas: {sv}; ingenting har skrivits \
             (kontrollera nätverket och att tjänsten svarar, och kör `dataskydd timestamp` igen)"
        ),
        &format!(
            "validation data from {url} could not be obtained: {en}; nothing was written \
             (check the network and that the service answers, then run `dataskydd timestamp` \
             again)"
        ),
    )
}

fn http(url: &str, body: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let sent = match body {
        Some(b) => agent
            .post(url)
            .header("Content-Type", "application/ocsp-request")
            .send(b),
        None => agent.get(url).call(),
    };
    let mut resp = sent.map_err(|e| {
        let (sv, en) = match &e {
            ureq::Error::Timeout(_) => (
                format!("inget svar inom {} sekunder", TIMEOUT.as_secs()),
                format!("no answer within {} seconds", TIMEOUT.as_secs()),
            ),
            other => (
                format!("tjänsten svarar inte ({other})"),
                format!("the service does not answer ({other})"),
            ),
        };
        fetch_error(url, &sv, &en)
    })?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(fetch_error(
            url,
            &format!("tjänsten svarade med HTTP-status {status}"),
            &format!("the service answered with HTTP status {status}"),
        ));
    }
    resp.body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_vec()
        .map_err(|e| {
            fetch_error(
                url,
                &format!("svaret kunde inte läsas ({e})"),
                &format!("the answer could not be read ({e})"),
            )
        })
}

/// Asks `url` for the status of `cert` (issued by `issuer`) and checks the answer.
fn ask(url: &str, cert: &Certificate, issuer: &Certificate) -> Result<(Vec<u8>, Checked), String> {
    let mut nonce = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
        .map_err(|_| "random".to_string())?;
    let nonce_ext = x509_cert::ext::Extension {
        extn_id: rfc6960::ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(
            OctetString::new(&nonce[..])
                .and_then(|o| o.to_der())
                .map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?,
    };
    let req = OcspRequest {
        tbs_request: TbsRequest {
            version: Default::default(),
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id(cert, issuer).map_err(|e| e.to_string())?,
                single_request_extensions: None,
            }],
            request_extensions: Some(vec![nonce_ext]),
        },
        optional_signature: None,
    };
    let body = req.to_der().map_err(|e| e.to_string())?;
    let answer = http(url, Some(&body))?;
    let checked = check_response(&answer, cert, issuer, Some(&nonce))
        .map_err(|m| fetch_error(url, &m, &m))?;
    Ok((answer, checked))
}

/// One certificate's fetched status.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The certificate (DER).
    pub cert: Vec<u8>,
    /// Its common name.
    pub name: String,
    pub url: String,
    pub status: Status,
}

/// The validation data fetched for a set of certificates.
#[derive(Debug, Clone, Default)]
pub struct Fetch {
    /// OCSP responses (DER), one per certificate that names an OCSP location.
    pub ocsps: Vec<Vec<u8>>,
    /// CRLs (DER) the certificates' distribution points name.
    pub crls: Vec<Vec<u8>>,
    /// Certificates the responses bring (delegated OCSP responders).
    pub certs: Vec<Vec<u8>>,
    /// What each OCSP response says.
    pub statuses: Vec<Fetched>,
}

/// Fetches an OCSP response for every certificate in `certs` that names an OCSP location
/// and whose issuer is among `certs`, and every CRL they name; each is checked (an OCSP
/// response: see [`check_response`]; a CRL: signed by the issuer of a certificate that names
/// it). A responder or CRL server that is down, or an answer that does not hold, is an error
/// naming the URL: a record is not called long-term valid with half of its data.
pub fn fetch(certs: &[Vec<u8>]) -> Result<Fetch, String> {
    let pool = parse_all(certs);
    let mut out = Fetch::default();
    let mut asked: Vec<String> = Vec::new();
    for c in &pool {
        if self_signed(&c.cert) {
            continue;
        }
        let issuer = issuer_in(&c.cert, &pool);
        if let Some(issuer) = issuer {
            if let Some(url) = ocsp_urls(&c.der).into_iter().next() {
                let (der, checked) = ask(&url, &c.cert, &issuer.cert)?;
                for r in &checked.responder_certs {
                    if !out.certs.contains(r) && !certs.contains(r) {
                        out.certs.push(r.clone());
                    }
                }
                out.statuses.push(Fetched {
                    cert: c.der.clone(),
                    name: name_of(&c.cert),
                    url,
                    status: checked.status,
                });
                out.ocsps.push(der);
            }
        }
        for url in crl_urls_of(&c.cert) {
            if asked.contains(&url) {
                continue;
            }
            asked.push(url.clone());
            let der = http(&url, None)?;
            let crl = CertificateList::from_der(&der).map_err(|e| {
                fetch_error(
                    &url,
                    &format!("svaret är ingen spärrlista ({e})"),
                    &format!("the answer is not a CRL ({e})"),
                )
            })?;
            if let Some(issuer) = issuer {
                if !crl_signed_by(&crl, &issuer.cert) {
                    return Err(fetch_error(
                        &url,
                        &format!("spärrlistan är inte signerad av {}", name_of(&issuer.cert)),
                        &format!("the CRL is not signed by {}", name_of(&issuer.cert)),
                    ));
                }
            }
            if !out.crls.contains(&der) {
                out.crls.push(der);
            }
        }
    }
    Ok(out)
}

fn crl_signed_by(crl: &CertificateList, issuer: &Certificate) -> bool {
    let Ok(tbs) = crl.tbs_cert_list.to_der() else {
        return false;
    };
    crl.tbs_cert_list.issuer == issuer.tbs_certificate.subject
        && cms::verify_signature(
            &issuer.tbs_certificate.subject_public_key_info,
            &crl.signature_algorithm.oid,
            None,
            &tbs,
            crl.signature.raw_bytes(),
        )
        .is_ok()
}

/// What the embedded validation data say of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    pub status: Status,
    /// `OCSP` or `CRL`, and who signed it.
    pub source: String,
}

/// The status of `cert` per the OCSP responses and CRLs embedded (`ocsps`, `crls`), its
/// issuer found among `pool`. None: nothing embedded speaks of it (or it is self-signed).
/// A revocation anywhere wins over a good answer elsewhere; only data whose signature holds
/// count.
pub fn embedded_status(
    cert_der: &[u8],
    pool: &[Vec<u8>],
    ocsps: &[Vec<u8>],
    crls: &[Vec<u8>],
) -> Option<Embedded> {
    let cert = Certificate::from_der(cert_der).ok()?;
    if self_signed(&cert) {
        return None;
    }
    let pool = parse_all(pool);
    let issuer = issuer_in(&cert, &pool)?;
    let mut found: Option<Embedded> = None;
    let mut note = |e: Embedded| {
        let keep = match (&found, &e.status) {
            (None, _) => true,
            (Some(old), Status::Revoked { .. }) => !matches!(old.status, Status::Revoked { .. }),
            (Some(old), Status::Good) => old.status == Status::Unknown,
            _ => false,
        };
        if keep {
            found = Some(e);
        }
    };
    for o in ocsps {
        if let Ok(c) = check_response(o, &cert, &issuer.cert, None) {
            note(Embedded {
                status: c.status,
                source: format!("OCSP ({})", c.responder),
            });
        }
    }
    for d in crls {
        let Ok(crl) = CertificateList::from_der(d) else {
            continue;
        };
        if !crl_signed_by(&crl, &issuer.cert) {
            continue;
        }
        let entry = crl
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .find(|r| r.serial_number == cert.tbs_certificate.serial_number);
        let status = match entry {
            Some(r) => Status::Revoked {
                at: to_utc(r.revocation_date.to_unix_duration().as_secs()),
                reason: None,
            },
            None => Status::Good,
        };
        note(Embedded {
            status,
            source: format!("CRL ({})", name_of(&issuer.cert)),
        });
    }
    found
}

/// The certificate names an OCSP location or a CRL distribution point (so B-LT needs
/// revocation data for it).
pub fn names_revocation_locations(cert_der: &[u8]) -> bool {
    let Ok(c) = Certificate::from_der(cert_der) else {
        return false;
    };
    !self_signed(&c) && (!ocsp_urls(cert_der).is_empty() || !crl_urls_of(&c).is_empty())
}
