//! Trusted time: RFC 3161 timestamps from a timestamp authority (TSA).
//!
//! Only a SHA-256 hash leaves the machine: of the signature value (a signature timestamp,
//! PAdES B-T) or of the signed byte range (a document timestamp, PAdES B-LTA). The token the
//! TSA returns is checked before it is used: status granted, the hash it stamps is ours, the
//! nonce is ours, the TSA's own signature holds.

use std::time::Duration;

use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{Int, ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode};
use spki::AlgorithmIdentifier;
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use super::cert::{info_of, name_attr};
use super::der_walk;
use crate::i18n::t;

/// id-ct-TSTInfo: the content type of a timestamp token.
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// How long a TSA may take before the signing stops (and nothing is written).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A timestamp authority reached over HTTP(S) (RFC 3161 section 3.4).
#[derive(Debug, Clone)]
pub struct Tsa {
    pub url: String,
    pub timeout: Duration,
}

/// What a checked timestamp token says.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// The TSA's time (genTime).
    pub time: DateTime<Utc>,
    /// The TSA certificate's common name (or its subject).
    pub tsa: String,
    /// The certificates in the token (DER), the TSA's first.
    pub certificates: Vec<Vec<u8>>,
}

fn tsa_error(url: &str, what: &str, en: &str) -> String {
    t(
        &format!(
            "tidsstämpeln från tidsstämpeltjänsten {url} kunde inte hämtas: {what}; ingenting har \
             skrivits (kontrollera [signing] tsa_url i dataskydd.toml och nätverket, eller ta bort \
             tsa_url för att signera med den egna klockans tid)"
        ),
        &format!(
            "the timestamp from the timestamp authority {url} could not be obtained: {en}; nothing \
             was written (check [signing] tsa_url in dataskydd.toml and the network, or remove \
             tsa_url to sign with the own clock's time)"
        ),
    )
}

impl Tsa {
    /// Asks the TSA to stamp `hash` (SHA-256) and returns the checked token (DER).
    pub fn stamp(&self, hash: &[u8; 32]) -> Result<(Vec<u8>, Stamp), String> {
        let mut nonce = [0u8; 8];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
            .map_err(|_| "random".to_string())?;
        nonce[0] &= 0x7f;
        nonce[0] |= 0x01;
        let req = TimeStampReq {
            version: TspVersion::V1,
            message_imprint: imprint(hash).map_err(|e| e.to_string())?,
            req_policy: None,
            nonce: Some(Int::new(&nonce).map_err(|e| e.to_string())?),
            cert_req: true,
            extensions: None,
        };
        let body = req.to_der().map_err(|e| e.to_string())?;
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut resp = agent
            .post(&self.url)
            .header("Content-Type", "application/timestamp-query")
            .send(&body[..])
            .map_err(|e| {
                let (sv, en) = match &e {
                    ureq::Error::Timeout(_) => (
                        format!("ingen svar inom {} sekunder", self.timeout.as_secs()),
                        format!("no answer within {} seconds", self.timeout.as_secs()),
                    ),
                    other => (
                        format!("tjänsten svarar inte ({other})"),
                        format!("the service does not answer ({other})"),
                    ),
                };
                tsa_error(&self.url, &sv, &en)
            })?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(tsa_error(
                &self.url,
                &format!("tjänsten svarade med HTTP-status {status}"),
                &format!("the service answered with HTTP status {status}"),
            ));
        }
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .map_err(|e| {
                tsa_error(
                    &self.url,
                    &format!("svaret kunde inte läsas ({e})"),
                    &format!("the answer could not be read ({e})"),
                )
            })?;
        let parsed = TimeStampResp::from_der(&bytes).map_err(|e| {
            tsa_error(
                &self.url,
                &format!("svaret är inget RFC 3161-svar ({e})"),
                &format!("the answer is not an RFC 3161 response ({e})"),
            )
        })?;
        use cmpv2::status::PkiStatus;
        if !matches!(
            parsed.status.status,
            PkiStatus::Accepted | PkiStatus::GrantedWithMods
        ) {
            let text = parsed
                .status
                .status_string
                .as_ref()
                .map(|s| format!("{s:?}"))
                .unwrap_or_default();
            return Err(tsa_error(
                &self.url,
                &format!(
                    "tjänsten avslog begäran ({:?}) {text}",
                    parsed.status.status
                ),
                &format!(
                    "the service refused the request ({:?}) {text}",
                    parsed.status.status
                ),
            ));
        }
        let token = parsed
            .time_stamp_token
            .ok_or_else(|| {
                tsa_error(
                    &self.url,
                    "svaret saknar tidsstämpel",
                    "the answer carries no timestamp token",
                )
            })?
            .to_der()
            .map_err(|e| e.to_string())?;
        let (stamp, got_nonce) =
            check_token(&token, hash).map_err(|m| tsa_error(&self.url, &m, &m))?;
        if got_nonce.as_deref() != Some(Int::new(&nonce).map_err(|e| e.to_string())?.as_bytes()) {
            return Err(tsa_error(
                &self.url,
                "tidsstämpeln bär inte vår nonce (ett svar på en annan begäran?)",
                "the token does not carry our nonce (an answer to another request?)",
            ));
        }
        Ok((token, stamp))
    }
}

fn imprint(hash: &[u8; 32]) -> der::Result<MessageImprint> {
    Ok(MessageImprint {
        hash_algorithm: AlgorithmIdentifier::<Any> {
            oid: rfc5912::ID_SHA_256,
            parameters: Some(Any::null()),
        },
        hashed_message: OctetString::new(&hash[..])?,
    })
}

/// Checks an RFC 3161 token stamps `hash`, and the TSA's signature over it. Returns what it
/// says and its nonce.
pub fn check_token(token: &[u8], hash: &[u8]) -> Result<(Stamp, Option<Vec<u8>>), String> {
    let bad = |e: &dyn std::fmt::Display| {
        t(
            &format!("tidsstämpeln kan inte läsas ({e})"),
            &format!("the timestamp token cannot be read ({e})"),
        )
    };
    let (tlv, _) = der_walk::read(token).ok_or_else(|| bad(&"DER"))?;
    let ci = ContentInfo::from_der(tlv.whole).map_err(|e| bad(&e))?;
    if ci.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(bad(&"not SignedData"));
    }
    let sd: SignedData = ci.content.decode_as().map_err(|e| bad(&e))?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(bad(&"not TSTInfo"));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| bad(&"no TSTInfo"))?;
    let tst_der = econtent
        .decode_as::<OctetString>()
        .map_err(|e| bad(&e))?
        .as_bytes()
        .to_vec();
    let tst = TstInfo::from_der(&tst_der).map_err(|e| bad(&e))?;
    if tst.message_imprint.hashed_message.as_bytes() != hash
        || tst.message_imprint.hash_algorithm.oid != rfc5912::ID_SHA_256
    {
        return Err(t(
            "tidsstämpeln gäller inte de här byten (fel kontrollsumma)",
            "the timestamp does not cover these bytes (wrong hash)",
        ));
    }
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| bad(&"no SignerInfo"))?;
    let certs: Vec<Certificate> = sd
        .certificates
        .iter()
        .flat_map(|s| s.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let signer = certs
        .iter()
        .find(|c| super::cms::matches_sid(c, &si.sid))
        .ok_or_else(|| {
            t(
                "tidsstämpelns certifikat saknas i tidsstämpeln",
                "the timestamp's certificate is missing from the token",
            )
        })?;
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or_else(|| bad(&"no signed attributes"))?;
    let md = attrs
        .iter()
        .find(|a| a.oid == rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or_else(|| bad(&"no message-digest"))?;
    let halg = match si.digest_alg.oid {
        o if o == rfc5912::ID_SHA_256 => &ring::digest::SHA256,
        o if o == rfc5912::ID_SHA_384 => &ring::digest::SHA384,
        o if o == rfc5912::ID_SHA_512 => &ring::digest::SHA512,
        o => return Err(bad(&format!("digest {o}"))),
    };
    if ring::digest::digest(halg, &tst_der).as_ref() != md.as_bytes() {
        return Err(t(
            "tidsstämpelns innehåll stämmer inte med dess signatur",
            "the timestamp's content does not match its signature",
        ));
    }
    let raw_attrs = der_walk::signed_attrs_of_first_signer(tlv.whole)
        .ok_or_else(|| bad(&"signed attributes"))?;
    super::cms::verify_signature(
        &signer.tbs_certificate.subject_public_key_info,
        &si.signature_algorithm.oid,
        Some(&si.digest_alg.oid),
        &raw_attrs,
        si.signature.as_bytes(),
    )
    .map_err(|m| {
        t(
            &format!("tidsstämpelns signatur är ogiltig: {m}"),
            &format!("the timestamp's signature is not valid: {m}"),
        )
    })?;
    let time = DateTime::<Utc>::from_timestamp(tst.gen_time.to_unix_duration().as_secs() as i64, 0)
        .unwrap_or_default();
    let signer_der = signer.to_der().map_err(|e| bad(&e))?;
    let info = info_of(signer, &signer_der);
    let tsa = name_attr(&signer.tbs_certificate.subject, const_oid::db::rfc4519::CN)
        .unwrap_or(info.subject);
    let mut certificates = vec![signer_der.clone()];
    for c in &certs {
        if let Ok(d) = c.to_der() {
            if d != signer_der {
                certificates.push(d);
            }
        }
    }
    Ok((
        Stamp {
            time,
            tsa,
            certificates,
        },
        tst.nonce.map(|n| n.as_bytes().to_vec()),
    ))
}
