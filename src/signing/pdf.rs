//! Signing a PDF by an incremental update: the original bytes stay untouched as a prefix;
//! the update adds a `/Sig` dictionary, a signature field + widget on page 1, new versions
//! of the objects that must point at it (page 1 or its `/Annots`, the catalog or its
//! `/AcroForm`), and a cross-reference section with `/Prev`.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, FixedOffset, Utc};
use lopdf::xref::XrefType;
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use super::cert::Signer;
use super::cms;
use super::signer::{DigestSigner, KeyKind};
use super::tsa::Tsa;
use super::SignInfo;
use crate::error::{Error, Result};
use crate::i18n::t;

/// Width of the `/ByteRange [...]` array, so it can be patched in place.
const BYTE_RANGE_WIDTH: usize = 36;
/// Spare bytes in `/Contents` beyond the measured CMS size.
const CONTENTS_MARGIN: usize = 64;
pub const SUBFILTER: &str = "ETSI.CAdES.detached";
pub const TIMESTAMP_SUBFILTER: &str = "ETSI.RFC3161";

fn pdf_error(what: impl std::fmt::Display) -> Error {
    Error::input(t(
        &format!("PDF-filen kan inte signeras: {what}"),
        &format!("the PDF cannot be signed: {what}"),
    ))
}

/// Signs a PDF by an incremental update (the original bytes stay untouched as a prefix),
/// with a workspace key, refusing a time outside the certificate's validity.
pub fn sign_pdf(pdf: &[u8], signer: &Signer, info: &SignInfo) -> Result<Vec<u8>> {
    sign_pdf_with(pdf, signer, info, None)
}

/// Refuses a signing time outside the certificate's validity.
pub fn check_validity(ci: &super::CertInfo, time: DateTime<FixedOffset>) -> Result<()> {
    let at = time.with_timezone(&Utc);
    if at < ci.not_before || at > ci.not_after {
        return Err(Error::input(t(
            &format!(
                "certifikatet för {} gäller {} – {}, inte vid signeringstidpunkten {}; skapa en ny \
                 nyckel med `dataskydd keys new`",
                ci.name,
                ci.not_before.format("%Y-%m-%d"),
                ci.not_after.format("%Y-%m-%d"),
                time.format("%Y-%m-%d %H:%M")
            ),
            &format!(
                "the certificate of {} is valid {} – {}, not at the signing time {}; make a new key \
                 with `dataskydd keys new`",
                ci.name,
                ci.not_before.format("%Y-%m-%d"),
                ci.not_after.format("%Y-%m-%d"),
                time.format("%Y-%m-%d %H:%M")
            ),
        )));
    }
    Ok(())
}

/// Signs with any [`DigestSigner`] (workspace key, PKCS#11 token); with a TSA, the signature
/// gets a signature timestamp (PAdES B-T). Nothing is returned half-done: a TSA that fails
/// fails the whole signing.
pub fn sign_pdf_with(
    pdf: &[u8],
    signer: &dyn DigestSigner,
    info: &SignInfo,
    tsa: Option<&Tsa>,
) -> Result<Vec<u8>> {
    check_validity(signer.info(), info.time)?;
    sign_pdf_unchecked_with(pdf, None, signer, info, tsa)
}

/// [`sign_pdf_with`] for a PDF whose objects the caller already holds, as the renderer
/// made them (`objects` must be the parse of `pdf`; its `xref_start` set): nothing is
/// parsed again. Re-parsing a record just rendered was 6.4 % of a 1,000-account batch's
/// CPU (perf, 3 December 2026).
pub fn sign_parsed_with(
    pdf: &[u8],
    objects: &Document,
    signer: &dyn DigestSigner,
    info: &SignInfo,
    tsa: Option<&Tsa>,
) -> Result<Vec<u8>> {
    check_validity(signer.info(), info.time)?;
    sign_pdf_unchecked_with(pdf, Some(objects), signer, info, tsa)
}

/// [`sign_pdf`] without the check that the certificate is valid at the signing time (tests
/// use it to make signatures a verifier must reject).
#[cfg(test)]
pub(crate) fn sign_pdf_unchecked(pdf: &[u8], signer: &Signer, info: &SignInfo) -> Result<Vec<u8>> {
    sign_pdf_unchecked_with(pdf, None, signer, info, None)
}

/// Room for a TSA's token in `/Contents` (tokens with a chain run 3–6 KiB).
pub const TIMESTAMP_RESERVE: usize = 12 * 1024;

/// The size a CMS signature of `chain` takes (dummy signature of maximal length).
///
/// Remembered per chain and key kind for the process: a batch signs every record with the
/// same chain, and assembling the dummy each time was 1.7 % of `assess --all`'s CPU.
pub fn cms_size(chain: &[Vec<u8>], kind: KeyKind, with_timestamp: bool) -> Result<usize> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    /// (SHA-256 of the chain, key kind) → the dummy CMS's length.
    type Sizes = Mutex<HashMap<([u8; 32], KeyKind), usize>>;
    static SIZES: OnceLock<Sizes> = OnceLock::new();
    let mut h = ring::digest::Context::new(&ring::digest::SHA256);
    for cert in chain {
        h.update(&(cert.len() as u64).to_be_bytes());
        h.update(cert);
    }
    let key = (h.finish().as_ref().try_into().expect("32 bytes"), kind);
    let sizes = SIZES.get_or_init(Default::default);
    let cached = sizes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .copied();
    let size = match cached {
        Some(size) => size,
        None => {
            let size = dummy_cms_size(chain, kind)?;
            let mut sizes = sizes.lock().unwrap_or_else(|e| e.into_inner());
            if sizes.len() >= 64 {
                sizes.clear();
            }
            sizes.insert(key, size);
            size
        }
    };
    Ok(size + if with_timestamp { TIMESTAMP_RESERVE } else { 0 })
}

fn dummy_cms_size(chain: &[Vec<u8>], kind: KeyKind) -> Result<usize> {
    let attrs = cms::signed_attributes(&chain[0], &[0u8; 32], Utc::now().fixed_offset())
        .map_err(pdf_error)?;
    let dummy = cms::assemble(
        chain,
        kind,
        &attrs,
        &vec![0u8; kind.max_signature_len()],
        None,
    )
    .map_err(pdf_error)?;
    Ok(dummy.len())
}

fn sign_pdf_unchecked_with(
    pdf: &[u8],
    objects: Option<&Document>,
    signer: &dyn DigestSigner,
    info: &SignInfo,
    tsa: Option<&Tsa>,
) -> Result<Vec<u8>> {
    let chain = signer.chain();
    let reserved = cms_size(chain, signer.key_kind(), tsa.is_some())?;
    let kind = SigKind::Signature {
        name: signer.info().name.clone(),
        info: info.clone(),
    };
    let prepared = match objects {
        Some(doc) => prepare_parsed(pdf, doc, &kind, reserved)?,
        None => prepare(pdf, &kind, reserved)?,
    };
    let attrs =
        cms::signed_attributes(&chain[0], &prepared.digest, info.time).map_err(pdf_error)?;
    let signature = signer.sign_message(&attrs).map_err(pdf_error)?;
    let token = match tsa {
        Some(tsa) => {
            let h = sha256(&signature);
            Some(tsa.stamp(&h).map_err(Error::input)?.0)
        }
        None => None,
    };
    let cms = cms::assemble(
        chain,
        signer.key_kind(),
        &attrs,
        &signature,
        token.as_deref(),
    )
    .map_err(pdf_error)?;
    embed(prepared, &cms)
}

/// A document timestamp (`/Type /DocTimeStamp`, `/SubFilter /ETSI.RFC3161`) over the whole
/// file as it is, including the validation data embedded so far (PAdES B-LTA).
pub fn timestamp_pdf(pdf: &[u8], tsa: &Tsa) -> Result<Vec<u8>> {
    let prepared = prepare(pdf, &SigKind::DocTimeStamp, TIMESTAMP_RESERVE + 4096)?;
    let (token, _) = tsa.stamp(&prepared.digest).map_err(Error::input)?;
    embed(prepared, &token)
}

/// Appends an incremental update with a Document Security Store (`/DSS`, ETSI EN 319 142-1
/// 5.4): the certificates, OCSP responses and CRLs a validator needs years later without the
/// network (PAdES B-LT). Keeps what an earlier DSS held.
pub fn add_dss(
    pdf: &[u8],
    certs: &[Vec<u8>],
    ocsps: &[Vec<u8>],
    crls: &[Vec<u8>],
) -> Result<Vec<u8>> {
    let doc = Document::load_mem(pdf).map_err(pdf_error)?;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(pdf_error)?;
    let mut catalog = doc.get_dictionary(root).map_err(pdf_error)?.clone();
    let trailer_size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .clamp(0, u32::MAX as i64 / 2) as u32;
    let mut next = trailer_size.max(doc.max_id + 1);
    let mut updates: BTreeMap<ObjectId, Object> = BTreeMap::new();
    // What an earlier DSS holds, by content, so nothing is embedded twice.
    let old = match catalog.get(b"DSS") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok().cloned(),
        Ok(Object::Dictionary(d)) => Some(d.clone()),
        _ => None,
    };
    /// A DSS key, what it holds already, what is to be added.
    type Entry<'a> = (&'a [u8], Vec<Object>, &'a [Vec<u8>]);
    let mut arrays: Vec<Entry> = Vec::new();
    for (key, new) in [(&b"Certs"[..], certs), (b"OCSPs", ocsps), (b"CRLs", crls)] {
        let existing: Vec<Object> = old
            .as_ref()
            .and_then(|d| d.get(key).ok())
            .and_then(|o| match o {
                Object::Array(a) => Some(a.clone()),
                Object::Reference(id) => doc.get_object(*id).ok()?.as_array().ok().cloned(),
                _ => None,
            })
            .unwrap_or_default();
        arrays.push((key, existing, new));
    }
    for (_, existing, new) in &mut arrays {
        let have: Vec<Vec<u8>> = existing
            .iter()
            .filter_map(|o| o.as_reference().ok())
            .filter_map(|id| doc.get_object(id).ok())
            .filter_map(|o| o.as_stream().ok())
            .map(|s| {
                s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone())
            })
            .collect();
        let mut seen = have;
        for der in new.iter() {
            if seen.contains(der) {
                continue;
            }
            seen.push(der.clone());
            let id = (next, 0);
            next += 1;
            let mut dict = Dictionary::new();
            dict.set("Length", Object::Integer(der.len() as i64));
            updates.insert(id, Object::Stream(lopdf::Stream::new(dict, der.clone())));
            existing.push(Object::Reference(id));
        }
    }
    let dss_id = (next, 0);
    next += 1;
    let mut dss = Dictionary::new();
    dss.set("Type", Object::Name(b"DSS".to_vec()));
    for (key, list, _) in arrays {
        if !list.is_empty() {
            dss.set(key.to_vec(), Object::Array(list));
        }
    }
    updates.insert(dss_id, Object::Dictionary(dss));
    catalog.set("DSS", Object::Reference(dss_id));
    if !catalog.has(b"Extensions") {
        let mut esic = Dictionary::new();
        esic.set("BaseVersion", Object::Name(b"1.7".to_vec()));
        esic.set("ExtensionLevel", Object::Integer(5));
        let mut ext = Dictionary::new();
        ext.set("ESIC", Object::Dictionary(esic));
        catalog.set("Extensions", Object::Dictionary(ext));
    }
    updates.insert(root, Object::Dictionary(catalog));
    let plan = Plan {
        updates,
        sig_num: 0,
        field_num: 0,
        field_name: String::new(),
        page: root,
        root,
        size: next,
    };
    let mut out = Vec::with_capacity(pdf.len() + 16 * 1024);
    out.extend_from_slice(pdf);
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets = Vec::new();
    for (id, obj) in &plan.updates {
        offsets.push((*id, out.len()));
        writeln!(out, "{} {} obj", id.0, id.1).expect("Vec write");
        write_object(&mut out, obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    write_xref(&mut out, &doc, &plan, offsets);
    Ok(out)
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

/// What kind of signature dictionary an update adds.
#[derive(Debug, Clone)]
pub enum SigKind {
    /// A signature (`/Type /Sig`, `/SubFilter /ETSI.CAdES.detached`).
    Signature { name: String, info: SignInfo },
    /// A document timestamp (`/Type /DocTimeStamp`, `/SubFilter /ETSI.RFC3161`).
    DocTimeStamp,
}

/// A PDF with a signature dictionary whose `/Contents` is reserved (zeros) and whose
/// `/ByteRange` is final: what a signing service's answer is embedded into.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    /// The `/Contents` hex string `<…>`: `[start, end)`.
    pub gap: (usize, usize),
    /// SHA-256 of the signed byte range (everything but the gap).
    pub digest: [u8; 32],
}

impl Prepared {
    /// Takes a prepared PDF back (from `sign --prepare`): finds its one empty signature gap.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Prepared> {
        let (b, c) = super::verify::last_gap(&bytes).ok_or_else(|| {
            pdf_error(t(
                "den förberedda filen har inget reserverat signaturutrymme",
                "the prepared file has no reserved signature space",
            ))
        })?;
        if bytes[b + 1..c - 1].iter().any(|&x| x != b'0') {
            return Err(pdf_error(t(
                "den förberedda filens signaturutrymme är redan ifyllt",
                "the prepared file's signature space is already filled in",
            )));
        }
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(&bytes[..b]);
        ctx.update(&bytes[c..]);
        let digest = ctx.finish().as_ref().try_into().expect("32 bytes");
        Ok(Prepared {
            bytes,
            gap: (b, c),
            digest,
        })
    }

    /// How many bytes of CMS the reserved space takes.
    pub fn capacity(&self) -> usize {
        (self.gap.1 - self.gap.0 - 2) / 2
    }

    pub fn byte_range(&self) -> [usize; 4] {
        let (b, c) = self.gap;
        [0, b, c, self.bytes.len() - c]
    }
}

/// Writes `contents` (a DER CMS or timestamp token) into the reserved space.
pub fn embed(prepared: Prepared, contents: &[u8]) -> Result<Vec<u8>> {
    if contents.len() > prepared.capacity() {
        return Err(pdf_error(t(
            &format!(
                "signaturen ({} byte) är större än det reserverade utrymmet ({} byte)",
                contents.len(),
                prepared.capacity()
            ),
            &format!(
                "the signature ({} bytes) is larger than the reserved space ({} bytes)",
                contents.len(),
                prepared.capacity()
            ),
        )));
    }
    let mut out = prepared.bytes;
    let b = prepared.gap.0;
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for (i, byte) in contents.iter().enumerate() {
        out[b + 1 + 2 * i] = HEX[(byte >> 4) as usize];
        out[b + 2 + 2 * i] = HEX[(byte & 15) as usize];
    }
    Ok(out)
}

/// Appends the update with a signature dictionary of `kind` whose `/Contents` reserves
/// `reserved` bytes, and fixes its `/ByteRange`.
pub fn prepare(pdf: &[u8], kind: &SigKind, reserved: usize) -> Result<Prepared> {
    let doc = Document::load_mem(pdf).map_err(pdf_error)?;
    prepare_parsed(pdf, &doc, kind, reserved)
}

/// [`prepare`] on the objects of `pdf` already parsed (see [`sign_parsed_with`]).
pub fn prepare_parsed(
    pdf: &[u8],
    doc: &Document,
    kind: &SigKind,
    reserved: usize,
) -> Result<Prepared> {
    let reserved = reserved + CONTENTS_MARGIN;
    if doc.trailer.has(b"Encrypt") || doc.encryption_state.is_some() {
        return Err(pdf_error(t("filen är krypterad", "the file is encrypted")));
    }
    let plan = plan_update(doc, matches!(kind, SigKind::DocTimeStamp))?;

    let mut out = Vec::with_capacity(pdf.len() + 2 * reserved + 4096);
    out.extend_from_slice(pdf);
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();
    for (id, obj) in &plan.updates {
        offsets.push((*id, out.len()));
        writeln!(out, "{} {} obj", id.0, id.1).expect("Vec write");
        write_object(&mut out, obj);
        out.extend_from_slice(b"\nendobj\n");
    }

    // The signature dictionary, with placeholders.
    offsets.push(((plan.sig_num, 0), out.len()));
    let (ty, subfilter) = match kind {
        SigKind::Signature { .. } => ("Sig", SUBFILTER),
        SigKind::DocTimeStamp => ("DocTimeStamp", TIMESTAMP_SUBFILTER),
    };
    write!(
        out,
        "{} 0 obj\n<</Type /{ty} /Filter /Adobe.PPKLite /SubFilter /{subfilter} /ByteRange ",
        plan.sig_num
    )
    .expect("Vec write");
    let byte_range_at = out.len();
    out.extend_from_slice(b"[0 0 0 0");
    out.resize(byte_range_at + BYTE_RANGE_WIDTH - 1, b' ');
    out.push(b']');
    out.extend_from_slice(b"\n/Contents ");
    let gap_start = out.len();
    out.push(b'<');
    out.resize(out.len() + 2 * reserved, b'0');
    out.push(b'>');
    let gap_end = out.len();
    if let SigKind::Signature { name, info } = kind {
        write!(out, "\n/M ({})", pdf_date(info.time)).expect("Vec write");
        out.extend_from_slice(b" /Name ");
        out.extend_from_slice(text_string(name).as_bytes());
        if !info.reason.is_empty() {
            out.extend_from_slice(b" /Reason ");
            out.extend_from_slice(text_string(&info.reason).as_bytes());
        }
        if !info.location.is_empty() {
            out.extend_from_slice(b" /Location ");
            out.extend_from_slice(text_string(&info.location).as_bytes());
        }
    }
    write!(
        out,
        "\n/Prop_Build <</Filter <</Name /Adobe.PPKLite>> /App <</Name /dataskydd /REx ({})>>>>>>\nendobj\n",
        env!("CARGO_PKG_VERSION")
    )
    .expect("Vec write");

    // The signature field, merged with its (invisible) widget annotation on page 1.
    offsets.push(((plan.field_num, 0), out.len()));
    write!(
        out,
        "{} 0 obj\n<</Type /Annot /Subtype /Widget /FT /Sig /T ({}) /V {} 0 R /P {} {} R \
         /Rect [0 0 0 0] /F 132>>\nendobj\n",
        plan.field_num, plan.field_name, plan.sig_num, plan.page.0, plan.page.1
    )
    .expect("Vec write");

    write_xref(&mut out, doc, &plan, offsets);

    // Patch the byte range, hash.
    let (b, c) = (gap_start, gap_end);
    let d = out.len() - c;
    let range = format!("[0 {b} {c} {d}");
    if range.len() + 1 > BYTE_RANGE_WIDTH {
        return Err(pdf_error(t("filen är för stor", "the file is too large")));
    }
    out[byte_range_at..byte_range_at + range.len()].copy_from_slice(range.as_bytes());

    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(&out[..b]);
    ctx.update(&out[c..]);
    let digest = ctx.finish().as_ref().try_into().expect("32 bytes");
    Ok(Prepared {
        bytes: out,
        gap: (b, c),
        digest,
    })
}

/// What the update writes.
struct Plan {
    /// New versions of existing objects (page 1 or its /Annots, catalog or its /AcroForm,
    /// a /Fields array), in object order.
    updates: BTreeMap<ObjectId, Object>,
    sig_num: u32,
    field_num: u32,
    field_name: String,
    page: ObjectId,
    root: ObjectId,
    /// The trailer's /Size for the update (before an xref stream object, if any).
    size: u32,
}

fn plan_update(doc: &Document, timestamp: bool) -> Result<Plan> {
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| {
            pdf_error(t(
                "katalogen (/Root) saknas",
                "the catalog (/Root) is missing",
            ))
        })?;
    let page = doc
        .page_iter()
        .next()
        .ok_or_else(|| pdf_error(t("dokumentet har inga sidor", "the document has no pages")))?;
    let trailer_size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .clamp(0, u32::MAX as i64 / 2) as u32;
    let next = trailer_size.max(doc.max_id + 1);
    let (sig_num, field_num) = (next, next + 1);
    let field_ref = Object::Reference((field_num, 0));

    let mut updates: BTreeMap<ObjectId, Object> = BTreeMap::new();
    // The latest version of an object: ours if we already changed it.
    fn current(
        doc: &Document,
        updates: &BTreeMap<ObjectId, Object>,
        id: ObjectId,
    ) -> Result<Object> {
        match updates.get(&id) {
            Some(o) => Ok(o.clone()),
            None => doc.get_object(id).cloned().map_err(pdf_error),
        }
    }
    fn push_to_array(
        doc: &Document,
        updates: &mut BTreeMap<ObjectId, Object>,
        id: ObjectId,
        item: Object,
    ) -> Result<()> {
        let mut arr = match current(doc, updates, id)? {
            Object::Array(a) => a,
            _ => {
                return Err(pdf_error(format!(
                    "object {} {} is not an array",
                    id.0, id.1
                )))
            }
        };
        arr.push(item);
        updates.insert(id, Object::Array(arr));
        Ok(())
    }

    // Page 1: add the widget to /Annots.
    let mut page_dict = current(doc, &updates, page)?
        .as_dict()
        .cloned()
        .map_err(pdf_error)?;
    match page_dict.get(b"Annots") {
        Ok(Object::Reference(id)) => push_to_array(doc, &mut updates, *id, field_ref.clone())?,
        Ok(Object::Array(a)) => {
            let mut a = a.clone();
            a.push(field_ref.clone());
            page_dict.set("Annots", Object::Array(a));
            updates.insert(page, Object::Dictionary(page_dict));
        }
        _ => {
            page_dict.set("Annots", Object::Array(vec![field_ref.clone()]));
            updates.insert(page, Object::Dictionary(page_dict));
        }
    }

    // The catalog's /AcroForm: add the field, /SigFlags 3.
    let mut catalog = current(doc, &updates, root)?
        .as_dict()
        .cloned()
        .map_err(pdf_error)?;
    let (mut acroform, acroform_id) = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => (
            current(doc, &updates, *id)?
                .as_dict()
                .cloned()
                .map_err(pdf_error)?,
            Some(*id),
        ),
        Ok(Object::Dictionary(d)) => (d.clone(), None),
        _ => (Dictionary::new(), None),
    };
    let field_name = free_field_name(
        doc,
        &acroform,
        if timestamp { "Tidsstampel" } else { "Signatur" },
    );
    match acroform.get(b"Fields") {
        Ok(Object::Reference(id)) => push_to_array(doc, &mut updates, *id, field_ref.clone())?,
        Ok(Object::Array(a)) => {
            let mut a = a.clone();
            a.push(field_ref.clone());
            acroform.set("Fields", Object::Array(a));
        }
        _ => acroform.set("Fields", Object::Array(vec![field_ref.clone()])),
    }
    let flags = acroform
        .get(b"SigFlags")
        .and_then(Object::as_i64)
        .unwrap_or(0);
    acroform.set("SigFlags", Object::Integer(flags | 3));
    match acroform_id {
        Some(id) => {
            updates.insert(id, Object::Dictionary(acroform));
        }
        None => {
            catalog.set("AcroForm", Object::Dictionary(acroform));
            updates.insert(root, Object::Dictionary(catalog));
        }
    }

    Ok(Plan {
        updates,
        sig_num,
        field_num,
        field_name,
        page,
        root,
        size: field_num + 1,
    })
}

/// `Signatur1`, or the next number not taken by a field of the form.
fn free_field_name(doc: &Document, acroform: &Dictionary, base: &str) -> String {
    let mut taken = Vec::new();
    let fields = match acroform.get(b"Fields") {
        Ok(Object::Reference(id)) => doc.get_object(*id).ok().and_then(|o| o.as_array().ok()),
        Ok(Object::Array(a)) => Some(a),
        _ => None,
    };
    for f in fields.into_iter().flatten() {
        let dict = match f {
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        };
        if let Some(name) = dict
            .and_then(|d| d.get(b"T").ok())
            .and_then(|t| t.as_str().ok())
        {
            taken.push(name.to_vec());
        }
    }
    (1..)
        .map(|n| format!("{base}{n}"))
        .find(|n| !taken.iter().any(|t| t == n.as_bytes()))
        .expect("some number is free")
}

/// The cross-reference section of the update (a table, or a stream if the file uses
/// streams), the trailer, `startxref` and `%%EOF`.
fn write_xref(out: &mut Vec<u8>, doc: &Document, plan: &Plan, mut offsets: Vec<(ObjectId, usize)>) {
    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(plan.root));
    for key in [&b"Info"[..], b"ID"] {
        if let Ok(v) = doc.trailer.get(key) {
            trailer.set(key.to_vec(), v.clone());
        }
    }
    trailer.set("Prev", Object::Integer(doc.xref_start as i64));
    let xref_at = out.len();

    if matches!(
        doc.reference_table.cross_reference_type,
        XrefType::CrossReferenceStream
    ) {
        let own = plan.size;
        offsets.push(((own, 0), xref_at));
        offsets.sort();
        let mut index = Vec::new();
        let mut data = Vec::new();
        for run in runs(&offsets) {
            index.push(Object::Integer(run[0].0 .0 as i64));
            index.push(Object::Integer(run.len() as i64));
            for ((_, generation), off) in run {
                data.push(1u8);
                data.extend_from_slice(&(*off as u64).to_be_bytes()[3..]);
                data.extend_from_slice(&generation.to_be_bytes());
            }
        }
        trailer.set("Type", Object::Name(b"XRef".to_vec()));
        trailer.set("Size", Object::Integer(own as i64 + 1));
        trailer.set("W", Object::Array(vec![1.into(), 5.into(), 2.into()]));
        trailer.set("Index", Object::Array(index));
        trailer.set("Length", Object::Integer(data.len() as i64));
        writeln!(out, "{own} 0 obj").expect("Vec write");
        write_object(out, &Object::Dictionary(trailer));
        out.extend_from_slice(b"\nstream\n");
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    } else {
        offsets.sort();
        out.extend_from_slice(b"xref\n");
        for run in runs(&offsets) {
            writeln!(out, "{} {}", run[0].0 .0, run.len()).expect("Vec write");
            for ((_, generation), off) in run {
                write!(out, "{off:010} {generation:05} n\r\n").expect("Vec write");
            }
        }
        trailer.set("Size", Object::Integer(plan.size as i64));
        out.extend_from_slice(b"trailer\n");
        write_object(out, &Object::Dictionary(trailer));
        out.push(b'\n');
    }
    write!(out, "startxref\n{xref_at}\n%%EOF\n").expect("Vec write");
}

/// Consecutive object numbers, grouped (input sorted).
fn runs(offsets: &[(ObjectId, usize)]) -> Vec<&[(ObjectId, usize)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=offsets.len() {
        if i == offsets.len() || offsets[i].0 .0 != offsets[i - 1].0 .0 + 1 {
            out.push(&offsets[start..i]);
            start = i;
        }
    }
    out
}

/// `D:YYYYMMDDHHmmSS+HH'mm'`
pub fn pdf_date(t: DateTime<FixedOffset>) -> String {
    let off = t.offset().local_minus_utc();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    format!(
        "D:{}{sign}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        off / 3600,
        (off % 3600) / 60
    )
}

/// A PDF text string as UTF-16BE with BOM, in hex: `<FEFF…>`.
pub fn text_string(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

/// Serialises an object (no streams occur in what the update rewrites).
fn write_object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => write!(out, "{i}").expect("Vec write"),
        Object::Real(r) => {
            if r.is_finite() {
                write!(out, "{r}").expect("Vec write")
            } else {
                out.push(b'0')
            }
        }
        Object::Name(n) => write_name(out, n),
        Object::String(s, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in s {
                write!(out, "{b:02X}").expect("Vec write");
            }
            out.push(b'>');
        }
        Object::String(s, StringFormat::Literal) => {
            out.push(b'(');
            for &b in s {
                match b {
                    b'(' | b')' | b'\\' => {
                        out.push(b'\\');
                        out.push(b);
                    }
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, o) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, o);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d),
        Object::Stream(s) => {
            write_dict(out, &s.dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((n, g)) => write!(out, "{n} {g} R").expect("Vec write"),
    }
}

fn write_dict(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write_name(out, k);
        out.push(b' ');
        write_object(out, v);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            write!(out, "#{b:02X}").expect("Vec write");
        } else {
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_text_strings() {
        let t = DateTime::parse_from_rfc3339("2026-11-20T10:00:00+01:00").unwrap();
        assert_eq!(pdf_date(t), "D:20261120100000+01'00'");
        let t = DateTime::parse_from_rfc3339("2026-07-01T08:05:09-03:30").unwrap();
        assert_eq!(pdf_date(t), "D:20260701080509-03'30'");
        assert_eq!(text_string("Åsa"), "<FEFF00C500730061>");
    }

    #[test]
    fn literal_strings_are_escaped() {
        let mut out = Vec::new();
        write_object(
            &mut out,
            &Object::String(b"a(b\\c)\r".to_vec(), StringFormat::Literal),
        );
        assert_eq!(out, b"(a\\(b\\\\c\\)\\r)");
    }
}
