//! One signing interface for every place a key can live.
//!
//! A card, an HSM and a standalone signing service all sign a *digest*, not a message, so the
//! interface takes the SHA-256 of the DER of the CMS signed attributes and returns the
//! signature in the form CMS carries it (ECDSA: the DER `Ecdsa-Sig-Value`; RSA: the PKCS#1 v1.5
//! block). Three implementations:
//! - the workspace key ([`super::Signer`]), through p256's prehash signer (ring hashes
//!   internally and cannot sign a given digest);
//! - a key on a PKCS#11 token ([`Pkcs11Signer`]): `CKM_ECDSA` returns raw r‖s, DER-wrapped here;
//! - the signing service: no object at all — `sign --prepare` hands out the same digest and
//!   `sign --complete` embeds what the service returned (see [`super::pdf::Prepared`]).

use std::path::PathBuf;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use der::asn1::ObjectIdentifier;
use p256::ecdsa::signature::hazmat::PrehashSigner;

use super::cert::{cert_info, CertInfo, Signer};
use crate::i18n::t;

/// The signature algorithm CMS names for a certificate's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// ECDSA (P-256) with SHA-256: `ecdsa-with-SHA256`.
    EcdsaP256,
    /// RSA PKCS#1 v1.5 with SHA-256: `sha256WithRSAEncryption` (some signing services).
    Rsa,
}

impl KeyKind {
    /// From the signer certificate's public key.
    pub fn of_certificate(der: &[u8]) -> Result<KeyKind, String> {
        use const_oid::db::rfc5912;
        use der::Decode;
        let cert = x509_cert::Certificate::from_der(der).map_err(|e| {
            t(
                &format!("certifikatet kan inte läsas ({e})"),
                &format!("the certificate cannot be read ({e})"),
            )
        })?;
        let alg = &cert.tbs_certificate.subject_public_key_info.algorithm;
        if alg.oid == rfc5912::RSA_ENCRYPTION {
            return Ok(KeyKind::Rsa);
        }
        let curve = alg
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        if alg.oid == rfc5912::ID_EC_PUBLIC_KEY && curve == Some(rfc5912::SECP_256_R_1) {
            return Ok(KeyKind::EcdsaP256);
        }
        Err(t(
            &format!(
                "certifikatets nyckeltyp {} stöds inte (ECDSA P-256 eller RSA)",
                alg.oid
            ),
            &format!(
                "the certificate's key type {} is not supported (ECDSA P-256 or RSA)",
                alg.oid
            ),
        ))
    }

    pub fn signature_oid(self) -> ObjectIdentifier {
        use const_oid::db::rfc5912;
        match self {
            KeyKind::EcdsaP256 => rfc5912::ECDSA_WITH_SHA_256,
            KeyKind::Rsa => rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
        }
    }

    /// Upper bound of the signature's length in bytes (for reserving `/Contents`).
    pub fn max_signature_len(self) -> usize {
        match self {
            KeyKind::EcdsaP256 => 72,
            KeyKind::Rsa => 512,
        }
    }
}

/// Signs the SHA-256 digest of the DER of a CMS `SignedAttributes` set.
pub trait DigestSigner: Send + Sync {
    /// The certificate chain (DER), signer first.
    fn chain(&self) -> &[Vec<u8>];
    /// What the certificate says about the signer.
    fn info(&self) -> &CertInfo;
    /// The signature over `digest` (SHA-256 of the signed attributes), as CMS carries it.
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, String>;
    /// The signature over `message` (the DER of the signed attributes, a checkpoint), its
    /// SHA-256 taken here. A card or a service signs the digest; a key in memory may sign
    /// the message faster (see [`crate::signing::Signer`]).
    fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        self.sign_digest(&super::cms::attributes_digest(message))
    }
    fn key_kind(&self) -> KeyKind {
        KeyKind::EcdsaP256
    }
}

impl dyn DigestSigner {
    /// The signer's name (the certificate's CN).
    pub fn name(&self) -> &str {
        &self.info().name
    }
    /// The signer's role (the certificate's title).
    pub fn role(&self) -> &str {
        &self.info().role
    }
    /// SHA-256 of the signer certificate, `AB:CD:…`.
    pub fn fingerprint(&self) -> String {
        self.info().fingerprint.clone()
    }
}

impl DigestSigner for Signer {
    fn chain(&self) -> &[Vec<u8>] {
        Signer::chain(self)
    }
    fn info(&self) -> &CertInfo {
        Signer::info(self)
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, String> {
        let sig: p256::ecdsa::Signature = self
            .prehash_key()?
            .sign_prehash(digest)
            .map_err(|_| t("signeringen misslyckades", "signing failed"))?;
        Ok(sig.to_der().as_bytes().to_vec())
    }
    fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        Signer::sign(self, message)
    }
}

/// Raw `r‖s` (what PKCS#11 `CKM_ECDSA` returns) as the DER `Ecdsa-Sig-Value` CMS carries.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, String> {
    let sig = p256::ecdsa::Signature::from_slice(raw).map_err(|_| {
        t(
            &format!(
                "signaturen är inte en ECDSA P-256-signatur ({} byte, väntade 64 byte r‖s)",
                raw.len()
            ),
            &format!(
                "the signature is not an ECDSA P-256 signature ({} bytes, expected 64 bytes r‖s)",
                raw.len()
            ),
        )
    })?;
    Ok(sig.to_der().as_bytes().to_vec())
}

/// Where a PKCS#11 key is: module, token label, key label.
#[derive(Debug, Clone)]
pub struct Pkcs11Location {
    pub module: PathBuf,
    pub token: String,
    pub key: String,
}

/// A key that never leaves a card or HSM, used through its PKCS#11 module.
pub struct Pkcs11Signer {
    location: Pkcs11Location,
    pin: String,
    chain: Vec<Vec<u8>>,
    info: CertInfo,
    kind: KeyKind,
}

impl std::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("location", &self.location)
            .field("signer", &self.info.name)
            .finish_non_exhaustive()
    }
}

fn p11_error(what: &str, e: impl std::fmt::Display) -> String {
    t(
        &format!("PKCS#11: {what} misslyckades ({e})"),
        &format!("PKCS#11: {what} failed ({e})"),
    )
}

impl Pkcs11Signer {
    /// Opens the token, logs in with `pin` and finds the private key labelled `key`; the
    /// certificate chain comes from `chain`, or, when empty, from the certificate object on
    /// the token with the same label. The PIN lives only in this process.
    pub fn open(
        location: Pkcs11Location,
        pin: String,
        chain: Vec<Vec<u8>>,
    ) -> Result<Pkcs11Signer, String> {
        let chain = if chain.is_empty() {
            let (ctx, session) = open_session(&location, &pin)?;
            let certs = session
                .find_objects(&[
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::Label(location.key.as_bytes().to_vec()),
                ])
                .map_err(|e| {
                    p11_error(
                        &t("sökningen efter certifikat", "the certificate search"),
                        e,
                    )
                })?;
            let mut out = Vec::new();
            if let Some(h) = certs.first() {
                if let Ok(attrs) = session.get_attributes(*h, &[AttributeType::Value]) {
                    for a in attrs {
                        if let Attribute::Value(v) = a {
                            out.push(v);
                        }
                    }
                }
            }
            drop(session);
            drop(ctx);
            if out.is_empty() {
                return Err(t(
                    &format!(
                        "token {} har inget certifikat med etiketten {}: ange certifikatet med --cert FIL",
                        location.token, location.key
                    ),
                    &format!(
                        "token {} has no certificate labelled {}: name the certificate with --cert FILE",
                        location.token, location.key
                    ),
                ));
            }
            out
        } else {
            chain
        };
        let info = cert_info(&chain[0])?;
        let kind = KeyKind::of_certificate(&chain[0])?;
        let signer = Pkcs11Signer {
            location,
            pin,
            chain,
            info,
            kind,
        };
        // Prove now that the key is there and matches the certificate (a wrong PIN, a wrong
        // label or a wrong certificate is found before anything is prepared).
        let probe = b"dataskydd: key check";
        let digest: [u8; 32] = ring::digest::digest(&ring::digest::SHA256, probe)
            .as_ref()
            .try_into()
            .expect("SHA-256 is 32 bytes");
        let sig = signer.sign_digest(&digest)?;
        super::cms::verify_with_certificate(&signer.chain[0], signer.kind, probe, &sig).map_err(
            |_| {
                t(
                    "nyckeln på token hör inte till certifikatet",
                    "the key on the token does not belong to the certificate",
                )
            },
        )?;
        Ok(signer)
    }
}

fn open_session(
    location: &Pkcs11Location,
    pin: &str,
) -> Result<(Pkcs11, cryptoki::session::Session), String> {
    let ctx = Pkcs11::new(&location.module).map_err(|e| {
        t(
            &format!(
                "PKCS#11-modulen {} kan inte laddas ({e}); ange sökvägen till kortläsarens eller \
                 HSM:ens modul (.so)",
                location.module.display()
            ),
            &format!(
                "the PKCS#11 module {} cannot be loaded ({e}); name the path of the card reader's \
                 or HSM's module (.so)",
                location.module.display()
            ),
        )
    })?;
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .map_err(|e| p11_error(&t("initieringen", "initialisation"), e))?;
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| p11_error(&t("listningen av token", "listing the tokens"), e))?;
    let slot = slots
        .into_iter()
        .find(|s| {
            ctx.get_token_info(*s)
                .map(|i| i.label().trim() == location.token)
                .unwrap_or(false)
        })
        .ok_or_else(|| {
            t(
                &format!(
                    "ingen token med etiketten {} i {}",
                    location.token,
                    location.module.display()
                ),
                &format!(
                    "no token labelled {} in {}",
                    location.token,
                    location.module.display()
                ),
            )
        })?;
    let session = ctx
        .open_ro_session(slot)
        .map_err(|e| p11_error(&t("sessionen", "the session"), e))?;
    session
        .login(UserType::User, Some(&AuthPin::from(pin)))
        .map_err(|e| {
            t(
                &format!(
                    "inloggningen på token {} misslyckades: fel PIN-kod? ({e})",
                    location.token
                ),
                &format!(
                    "logging in to token {} failed: wrong PIN? ({e})",
                    location.token
                ),
            )
        })?;
    Ok((ctx, session))
}

impl DigestSigner for Pkcs11Signer {
    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }
    fn info(&self) -> &CertInfo {
        &self.info
    }
    fn key_kind(&self) -> KeyKind {
        self.kind
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, String> {
        let (_ctx, session) = open_session(&self.location, &self.pin)?;
        let keys = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Label(self.location.key.as_bytes().to_vec()),
            ])
            .map_err(|e| p11_error(&t("sökningen efter nyckeln", "the key search"), e))?;
        let key = *keys.first().ok_or_else(|| {
            t(
                &format!(
                    "token {} har ingen privat nyckel med etiketten {}",
                    self.location.token, self.location.key
                ),
                &format!(
                    "token {} has no private key labelled {}",
                    self.location.token, self.location.key
                ),
            )
        })?;
        match self.kind {
            KeyKind::EcdsaP256 => {
                let raw = session
                    .sign(&Mechanism::Ecdsa, key, digest)
                    .map_err(|e| p11_error(&t("signeringen", "signing"), e))?;
                ecdsa_raw_to_der(&raw)
            }
            KeyKind::Rsa => {
                // CKM_RSA_PKCS over the DigestInfo of SHA-256.
                let mut info = vec![
                    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                    0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
                ];
                info.extend_from_slice(digest);
                session
                    .sign(&Mechanism::RsaPkcs, key, &info)
                    .map_err(|e| p11_error(&t("signeringen", "signing"), e))
            }
        }
    }
}
