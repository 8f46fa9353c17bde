//! Keys and certificates: loading a signer, making a new key + self-signed certificate,
//! reading the subject of a certificate.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Months, Utc};
use const_oid::db::{rfc4519, rfc5912};
use der::{Decode, Tagged};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::workspace::{create_private_dir, write_private_new};

/// What a certificate says about its holder, as shown by `keys show` and `verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// Common name (CN).
    pub name: String,
    /// Title (2.5.4.12), the signer's role; empty if absent.
    pub role: String,
    /// Organisation (O); empty if absent.
    pub organisation: String,
    /// The subject as one line, e.g. `C=SE, O=Nyköpings kommun, title=DSO, CN=Åsa Öberg`.
    pub subject: String,
    pub issuer: String,
    pub self_signed: bool,
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the DER, `AB:CD:…`.
    pub fingerprint: String,
}

/// SHA-256 of a certificate's DER as upper-case hex pairs separated by colons.
pub fn fingerprint(der: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, der);
    let mut s = String::with_capacity(95);
    for (i, b) in d.as_ref().iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// Reads what a DER certificate says about its holder.
pub fn cert_info(der: &[u8]) -> std::result::Result<CertInfo, String> {
    let cert = Certificate::from_der(der).map_err(|e| {
        t(
            &format!("certifikatet kan inte läsas ({e})"),
            &format!("the certificate cannot be read ({e})"),
        )
    })?;
    Ok(info_of(&cert, der))
}

pub(crate) fn info_of(cert: &Certificate, der: &[u8]) -> CertInfo {
    let tbs = &cert.tbs_certificate;
    let validity = &tbs.validity;
    CertInfo {
        name: name_attr(&tbs.subject, rfc4519::CN).unwrap_or_default(),
        role: name_attr(&tbs.subject, rfc4519::TITLE).unwrap_or_default(),
        organisation: name_attr(&tbs.subject, rfc4519::O).unwrap_or_default(),
        subject: name_line(&tbs.subject),
        issuer: name_line(&tbs.issuer),
        self_signed: tbs.issuer == tbs.subject,
        serial: crate::ledger::hex(tbs.serial_number.as_bytes()),
        not_before: to_chrono(validity.not_before.to_unix_duration()),
        not_after: to_chrono(validity.not_after.to_unix_duration()),
        fingerprint: fingerprint(der),
    }
}

fn to_chrono(d: std::time::Duration) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(d.as_secs().min(i64::MAX as u64) as i64, 0).unwrap_or_default()
}

/// The first value of an attribute in a name, decoded from any of the string types.
pub(crate) fn name_attr(name: &Name, oid: der::asn1::ObjectIdentifier) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == oid)
        .map(|atv| any_string(&atv.value))
}

fn name_line(name: &Name) -> String {
    let mut parts = Vec::new();
    for rdn in &name.0 {
        for atv in rdn.0.iter() {
            let key = match atv.oid {
                o if o == rfc4519::CN => "CN".to_string(),
                o if o == rfc4519::O => "O".to_string(),
                o if o == rfc4519::OU => "OU".to_string(),
                o if o == rfc4519::C => "C".to_string(),
                o if o == rfc4519::L => "L".to_string(),
                o if o == rfc4519::ST => "ST".to_string(),
                o if o == rfc4519::TITLE => "title".to_string(),
                o if o == rfc4519::SERIAL_NUMBER => "serialNumber".to_string(),
                o => o.to_string(),
            };
            parts.push(format!("{key}={}", any_string(&atv.value)));
        }
    }
    parts.join(", ")
}

/// Decodes a directory string (UTF8, Printable, IA5, Teletex as Latin-1, BMP, Universal).
fn any_string(any: &der::Any) -> String {
    let v = any.value();
    match any.tag().octet() {
        0x0C | 0x13 | 0x16 | 0x12 | 0x1A => String::from_utf8_lossy(v).into_owned(),
        0x14 => v.iter().map(|&b| b as char).collect(),
        0x1E => {
            let units: Vec<u16> = v
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        0x1C => v
            .chunks_exact(4)
            .map(|c| {
                char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])).unwrap_or('\u{FFFD}')
            })
            .collect(),
        _ => String::from_utf8_lossy(v).into_owned(),
    }
}

/// Reads certificates from PEM (any number of `CERTIFICATE` blocks) or from one DER
/// certificate. Returns the DER of each, in file order.
pub fn read_certificates(bytes: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
    if bytes.first() == Some(&0x30) {
        Certificate::from_der(bytes).map_err(|e| {
            t(
                &format!("DER-certifikatet kan inte läsas ({e})"),
                &format!("the DER certificate cannot be read ({e})"),
            )
        })?;
        return Ok(vec![bytes.to_vec()]);
    }
    let blocks = pem::parse_many(bytes).map_err(|e| {
        t(
            &format!("PEM-filen kan inte läsas ({e})"),
            &format!("the PEM file cannot be read ({e})"),
        )
    })?;
    let mut out = Vec::new();
    for b in blocks {
        if b.tag() == "CERTIFICATE" {
            Certificate::from_der(b.contents()).map_err(|e| {
                t(
                    &format!("certifikat nr {} kan inte läsas ({e})", out.len() + 1),
                    &format!("certificate no. {} cannot be read ({e})", out.len() + 1),
                )
            })?;
            out.push(b.contents().to_vec());
        }
    }
    if out.is_empty() {
        return Err(t(
            "filen innehåller inget certifikat (-----BEGIN CERTIFICATE-----)",
            "the file holds no certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(out)
}

/// A signing key with its certificate chain.
pub struct Signer {
    /// The key for signing a message (ring hashes it): a record's signed attributes, a
    /// register's checkpoint. ring's P-256 signs in a fraction of the time the RustCrypto
    /// key below takes (p256 was 6.8 % of a 1,000-account batch's CPU, perf, 3 December 2026).
    key: EcdsaKeyPair,
    /// The same key for signing a given digest (what a signing service's interface takes),
    /// made from `pkcs8` when first asked for: making it computes the public key again,
    /// 8.5 % of one `assess`'s instructions (callgrind, 3 December 2026), and a record or
    /// a checkpoint is signed by `key`.
    prehash: std::sync::OnceLock<p256::ecdsa::SigningKey>,
    pkcs8: zeroize::Zeroizing<Vec<u8>>,
    /// DER, signer first.
    chain: Vec<Vec<u8>>,
    info: CertInfo,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.info.name)
            .field("fingerprint", &self.info.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Loads a PEM PKCS#8 ECDSA P-256 key and a PEM certificate (chain, signer first).
    /// Refuses a key file that group or others may read or write.
    pub fn load(key: &Path, cert: &Path) -> Result<Signer> {
        check_key_mode(key)?;
        let key_text = std::fs::read(key).at(key)?;
        let cert_bytes = std::fs::read(cert).at(cert)?;
        let pkcs8 = pkcs8_from_pem(&key_text).map_err(|m| Error::input(m).in_file(key))?;
        let chain = read_certificates(&cert_bytes).map_err(|m| Error::input(m).in_file(cert))?;
        Signer::from_parts(&pkcs8, chain).map_err(|m| Error::input(m).in_file(cert))
    }

    /// Builds a signer from PKCS#8 DER and a DER chain (signer first), checking that the key
    /// is P-256 and matches the first certificate, and that the chain is in order.
    pub fn from_parts(pkcs8: &[u8], chain: Vec<Vec<u8>>) -> std::result::Result<Signer, String> {
        let rng = SystemRandom::new();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8, &rng)
            .map_err(|_| {
                t(
                    "nyckeln är inte en ECDSA P-256-nyckel i PKCS#8 (skapa en med `dataskydd keys new`, \
                     eller konvertera: `openssl pkcs8 -topk8 -nocrypt -in NYCKEL -out NY.key`)",
                    "the key is not an ECDSA P-256 key in PKCS#8 (make one with `dataskydd keys new`, \
                     or convert: `openssl pkcs8 -topk8 -nocrypt -in KEY -out NEW.key`)",
                )
            })?;
        let first = chain
            .first()
            .ok_or_else(|| t("certifikatkedjan är tom", "the certificate chain is empty"))?;
        let cert = Certificate::from_der(first).map_err(|e| {
            t(
                &format!("certifikatet kan inte läsas ({e})"),
                &format!("the certificate cannot be read ({e})"),
            )
        })?;
        let spki = &cert.tbs_certificate.subject_public_key_info;
        let p256 = spki.algorithm.oid == rfc5912::ID_EC_PUBLIC_KEY
            && spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                == Some(rfc5912::SECP_256_R_1);
        if !p256 || spki.subject_public_key.raw_bytes() != key.public_key().as_ref() {
            return Err(t(
                "nyckeln hör inte till certifikatet (det första certifikatet i filen måste vara \
                 undertecknarens eget, för just den här nyckeln)",
                "the key does not belong to the certificate (the first certificate in the file \
                 must be the signer's own, for this very key)",
            ));
        }
        check_chain_order(&chain)?;
        let info = info_of(&cert, first);
        Ok(Signer {
            key,
            prehash: std::sync::OnceLock::new(),
            pkcs8: zeroize::Zeroizing::new(pkcs8.to_vec()),
            chain,
            info,
        })
    }

    /// The signer's name (the certificate's CN).
    pub fn name(&self) -> &str {
        &self.info.name
    }
    /// The signer's role (the certificate's title).
    pub fn role(&self) -> &str {
        &self.info.role
    }
    /// The organisation (the certificate's O).
    pub fn organisation(&self) -> &str {
        &self.info.organisation
    }
    /// SHA-256 of the signer certificate, `AB:CD:…`.
    pub fn fingerprint(&self) -> String {
        self.info.fingerprint.clone()
    }
    pub fn info(&self) -> &CertInfo {
        &self.info
    }
    /// The certificate chain (DER), signer first.
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }
    /// ring read the same PKCS#8 as a P-256 key in [`Signer::from_parts`], so this one
    /// cannot fail but is still asked.
    pub(crate) fn prehash_key(&self) -> std::result::Result<&p256::ecdsa::SigningKey, String> {
        if let Some(k) = self.prehash.get() {
            return Ok(k);
        }
        use p256::pkcs8::DecodePrivateKey;
        let k = p256::ecdsa::SigningKey::from_pkcs8_der(&self.pkcs8).map_err(|_| {
            t(
                "nyckeln är inte en ECDSA P-256-nyckel i PKCS#8",
                "the key is not an ECDSA P-256 key in PKCS#8",
            )
        })?;
        Ok(self.prehash.get_or_init(|| k))
    }
    /// ECDSA P-256 SHA-256 signature (ASN.1 DER) over `msg` (the registers' checkpoints).
    pub(crate) fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, String> {
        let sig = self
            .key
            .sign(&SystemRandom::new(), msg)
            .map_err(|_| t("signeringen misslyckades", "signing failed"))?;
        Ok(sig.as_ref().to_vec())
    }
}

/// Each certificate must be issued by the next one.
fn check_chain_order(chain: &[Vec<u8>]) -> std::result::Result<(), String> {
    let certs: Vec<Certificate> = chain
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Certificate::from_der(d).map_err(|e| {
                t(
                    &format!("certifikat nr {} kan inte läsas ({e})", i + 1),
                    &format!("certificate no. {} cannot be read ({e})", i + 1),
                )
            })
        })
        .collect::<std::result::Result<_, _>>()?;
    for (i, pair) in certs.windows(2).enumerate() {
        if pair[0].tbs_certificate.issuer != pair[1].tbs_certificate.subject {
            return Err(t(
                &format!(
                    "certifikatkedjan är i fel ordning: certifikat nr {} är inte utfärdat av nr {} \
                     (ordningen ska vara undertecknaren först, sedan dess utfärdare, upp mot roten)",
                    i + 1,
                    i + 2
                ),
                &format!(
                    "the certificate chain is out of order: certificate no. {} is not issued by \
                     no. {} (the order must be the signer first, then its issuer, up to the root)",
                    i + 1,
                    i + 2
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a key file that group or others may read or write.
fn check_key_mode(key: &Path) -> Result<()> {
    let meta = std::fs::metadata(key).at(key)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::input(t(
                &format!(
                    "nyckelfilen kan läsas eller skrivas av andra än ägaren (rättigheter {mode:04o}); \
                     en privat nyckel får bara vara åtkomlig för ägaren: kör `chmod 600 {}`",
                    key.display()
                ),
                &format!(
                    "the key file may be read or written by others than its owner (mode {mode:04o}); \
                     a private key must be accessible to its owner only: run `chmod 600 {}`",
                    key.display()
                ),
            ))
            .in_file(key));
        }
    }
    let _ = meta;
    Ok(())
}

/// PKCS#8 DER from a PEM file, explaining the formats it is not.
pub fn pkcs8_from_pem(bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let block = pem::parse(bytes).map_err(|e| {
        t(
            &format!("nyckelfilen är inte PEM ({e})"),
            &format!("the key file is not PEM ({e})"),
        )
    })?;
    match block.tag() {
        "PRIVATE KEY" => Ok(block.contents().to_vec()),
        "EC PRIVATE KEY" => Err(t(
            "nyckeln är i SEC1-format (EC PRIVATE KEY); konvertera den till PKCS#8: \
             `openssl pkcs8 -topk8 -nocrypt -in NYCKEL -out NY.key`",
            "the key is in SEC1 format (EC PRIVATE KEY); convert it to PKCS#8: \
             `openssl pkcs8 -topk8 -nocrypt -in KEY -out NEW.key`",
        )),
        "ENCRYPTED PRIVATE KEY" => Err(t(
            "nyckeln är lösenordsskyddad; dekryptera den till en fil som bara ägaren kan läsa: \
             `openssl pkcs8 -in NYCKEL -out NY.key` och `chmod 600 NY.key`",
            "the key is password protected; decrypt it to a file only its owner can read: \
             `openssl pkcs8 -in KEY -out NEW.key` and `chmod 600 NEW.key`",
        )),
        other => Err(t(
            &format!("nyckelfilen innehåller '{other}', inte 'PRIVATE KEY' (PKCS#8)"),
            &format!("the key file holds '{other}', not 'PRIVATE KEY' (PKCS#8)"),
        )),
    }
}

/// A file name from a person's name: lower case ASCII, Swedish letters folded, dashes.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' | 'ã' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            'ý' | 'ÿ' => 'y',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("nyckel");
    }
    out
}

/// A free `DIR/SLUG[-N].key` / `.crt` pair (never `signer`, the default's name).
pub fn free_pair(dir: &Path, base: &str) -> (PathBuf, PathBuf) {
    let mut n = 1;
    loop {
        let stem = if n == 1 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        };
        let key = dir.join(format!("{stem}.key"));
        let crt = dir.join(format!("{stem}.crt"));
        if stem != "signer" && !key.exists() && !crt.exists() {
            return (key, crt);
        }
        n += 1;
    }
}

/// New ECDSA P-256 key (ring, PKCS#8) and a self-signed certificate: CN = name,
/// title = role, O = org, C = SE; key usage digitalSignature + nonRepudiation; valid from
/// `now` for 5 years. Writes `DIR/key[-N].key` (0600, never overwriting) and `.crt`.
pub fn new_key(
    dir: &Path,
    name: &str,
    role: &str,
    org: &str,
    now: DateTime<FixedOffset>,
) -> Result<(PathBuf, PathBuf)> {
    let (key_pem, cert_pem) = make_key_and_cert(name, role, org, now)?;
    create_private_dir(dir)?;
    // Named by sequence (`key`, `key-2`, …), never after the person: a file name is
    // not a place for personal data (the name is in the certificate).
    let (key_path, cert_path) = free_pair(dir, "key");
    write_private_new(&key_path, key_pem.as_bytes())?;
    write_private_new(&cert_path, cert_pem.as_bytes())?;
    Ok((key_path, cert_path))
}

/// The PEM of a new PKCS#8 key and of its self-signed certificate.
pub(crate) fn make_key_and_cert(
    name: &str,
    role: &str,
    org: &str,
    now: DateTime<FixedOffset>,
) -> Result<(String, String)> {
    for (field, value) in [("name", name), ("role", role), ("org", org)] {
        if value.trim().is_empty() {
            return Err(Error::input(t(
                &format!("'{field}' får inte vara tomt"),
                &format!("'{field}' must not be empty"),
            ))
            .field(field));
        }
    }
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        Error::input(t(
            &format!("kunde inte skapa {what}: {e}"),
            &format!("could not create the {what}: {e}"),
        ))
    };
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
        .map_err(|e| fail("nyckel / key", &e))?;
    let key_pair =
        rcgen::KeyPair::try_from(pkcs8.as_ref()).map_err(|e| fail("nyckel / key", &e))?;

    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(
        rcgen::DnType::CountryName,
        rcgen::DnValue::PrintableString("SE".try_into().expect("SE is printable")),
    );
    dn.push(rcgen::DnType::OrganizationName, org.trim());
    dn.push(rcgen::DnType::CustomDnType(vec![2, 5, 4, 12]), role.trim());
    dn.push(rcgen::DnType::CommonName, name.trim());
    params.distinguished_name = dn;
    let start = now.with_timezone(&Utc);
    let end = start
        .checked_add_months(Months::new(60))
        .ok_or_else(|| fail("certifikat / certificate", &"date out of range"))?;
    let odt = |d: DateTime<Utc>| {
        time::OffsetDateTime::from_unix_timestamp(d.timestamp())
            .map_err(|e| fail("certifikat / certificate", &e))
    };
    params.not_before = odt(start)?;
    params.not_after = odt(end)?;
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::ContentCommitment,
    ];
    let mut serial = [0u8; 16];
    rng.fill(&mut serial)
        .map_err(|e| fail("serienummer / serial", &e))?;
    serial[0] = (serial[0] & 0x7f) | 0x40;
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    let cert = params
        .self_signed(&key_pair)
        .map_err(|e| fail("certifikat / certificate", &e))?;
    let key_pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
    // Check what we wrote loads back (key matches certificate, P-256).
    Signer::from_parts(pkcs8.as_ref(), vec![cert.der().to_vec()])
        .map_err(|m| fail("certifikat / certificate", &m))?;
    Ok((key_pem, cert.pem()))
}

/// The HTTP(S) CRL distribution points the certificates name (for B-LT validation data).
pub fn crl_urls(certs: &[Vec<u8>]) -> Vec<String> {
    use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
    use x509_cert::ext::pkix::CrlDistributionPoints;
    let mut out = Vec::new();
    for der in certs {
        let Ok(cert) = Certificate::from_der(der) else {
            continue;
        };
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
    }
    out
}
