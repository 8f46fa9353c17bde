//! Difference analysis between the revisions of a signed PDF (after pyHanko's model).
//!
//! A signature covers the file up to the end of its revision. A later incremental update may
//! legitimately add another signature (its `/Sig` dictionary, its field + widget, the page's
//! `/Annots` and the form's `/Fields` growing by that field), a document timestamp, or
//! validation data (the catalog's `/DSS` with certificates, OCSP responses and CRLs).
//! Anything else — a replaced embedded file, a changed page, a removed object — is a change
//! the earlier signer never saw, and the record is not what they signed.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::i18n::t;

/// One thing a later revision changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// An allowed change (signature, timestamp, validation data).
    pub allowed: bool,
    pub what: String,
}

/// The kinds of allowed change, for a short summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Allowed {
    Signature,
    DocumentTimestamp,
    ValidationData,
    FormBookkeeping,
}

fn name_of(d: &Dictionary, key: &[u8]) -> Option<Vec<u8>> {
    d.get(key)
        .ok()
        .and_then(|o| o.as_name().ok())
        .map(|n| n.to_vec())
}

fn dict_of(o: &Object) -> Option<&Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// What an object is, in words (for reports).
fn describe(id: ObjectId, o: &Object) -> String {
    let d = dict_of(o);
    let ty = d
        .and_then(|d| name_of(d, b"Type").or_else(|| name_of(d, b"Subtype")))
        .map(|n| String::from_utf8_lossy(&n).into_owned());
    let kind = match (ty.as_deref(), o) {
        (Some("EmbeddedFile"), _) => t("inbäddad fil", "embedded file"),
        (Some("Filespec"), _) => t("filbeskrivning (bilaga)", "file specification (attachment)"),
        (Some("Page"), _) => t("sida", "page"),
        (Some("Pages"), _) => t("sidträd", "page tree"),
        (Some("Catalog"), _) => t("katalog", "catalog"),
        (Some("Metadata"), _) => t("metadata", "metadata"),
        (Some(other), _) => other.to_string(),
        (None, Object::Stream(_)) => t("ström (t.ex. sidinnehåll)", "stream (e.g. page content)"),
        (None, Object::Array(_)) => t("lista", "array"),
        (None, _) => t("objekt", "object"),
    };
    format!("{} {} ({kind})", id.0, id.1)
}

/// Objects to ignore: cross-reference and object streams are containers, not content.
fn is_container(o: &Object) -> bool {
    dict_of(o)
        .and_then(|d| name_of(d, b"Type"))
        .is_some_and(|t| t == b"XRef" || t == b"ObjStm")
}

fn is_sig_dict(o: &Object) -> Option<Allowed> {
    let d = dict_of(o)?;
    match name_of(d, b"Type").as_deref() {
        Some(b"Sig") => Some(Allowed::Signature),
        Some(b"DocTimeStamp") => Some(Allowed::DocumentTimestamp),
        _ => None,
    }
}

fn is_sig_widget(o: &Object) -> bool {
    dict_of(o).is_some_and(|d| {
        name_of(d, b"FT").as_deref() == Some(b"Sig")
            && name_of(d, b"Subtype").as_deref() == Some(b"Widget")
    })
}

/// The objects reachable from `start` (for the DSS and what it holds).
fn reachable(doc: &Document, start: &Object, out: &mut BTreeSet<ObjectId>) {
    let mut stack = vec![start.clone()];
    while let Some(o) = stack.pop() {
        match o {
            Object::Reference(id) if out.insert(id) => {
                if let Ok(obj) = doc.get_object(id) {
                    stack.push(obj.clone());
                }
            }
            Object::Array(a) => stack.extend(a),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v.clone())),
            Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v.clone())),
            _ => {}
        }
    }
}

fn root_id(doc: &Document) -> Option<ObjectId> {
    doc.trailer.get(b"Root").ok()?.as_reference().ok()
}

/// Compares the objects of revision `old` with those of the later revision `new`.
/// Returns every change found (allowed ones too), or an error text when a revision cannot
/// be read at all.
pub fn compare(old: &[u8], new: &[u8]) -> Result<Vec<Change>, String> {
    let old_doc = Document::load_mem(old).map_err(|e| e.to_string())?;
    let new_doc = Document::load_mem(new).map_err(|e| e.to_string())?;
    Ok(compare_docs(&old_doc, &new_doc))
}

fn compare_docs(old: &Document, new: &Document) -> Vec<Change> {
    let mut changes = Vec::new();
    let bad = |id: ObjectId, o: &Object, sv: &str, en: &str| Change {
        allowed: false,
        what: t(
            &format!("{} {sv}", describe(id, o)),
            &format!("{} {en}", describe(id, o)),
        ),
    };

    // New signature widgets, signature dictionaries and DSS objects.
    let mut new_widgets = BTreeSet::new();
    for (id, o) in &new.objects {
        if !old.objects.contains_key(id) && is_sig_widget(o) {
            new_widgets.insert(*id);
        }
    }
    let mut dss_objects = BTreeSet::new();
    if let Some(cat) = root_id(new).and_then(|r| new.get_dictionary(r).ok()) {
        if let Ok(dss) = cat.get(b"DSS") {
            reachable(new, dss, &mut dss_objects);
        }
    }
    // Objects the old DSS already held: a new DSS may keep them.
    let mut old_dss = BTreeSet::new();
    if let Some(cat) = root_id(old).and_then(|r| old.get_dictionary(r).ok()) {
        if let Ok(dss) = cat.get(b"DSS") {
            reachable(old, dss, &mut old_dss);
        }
    }
    let added_refs_ok = |old_a: &[Object], new_a: &[Object]| -> bool {
        old_a.len() <= new_a.len()
            && old_a.iter().zip(new_a).all(|(a, b)| a == b)
            && new_a[old_a.len()..].iter().all(|o| {
                o.as_reference()
                    .map(|id| new_widgets.contains(&id))
                    .unwrap_or(false)
            })
    };
    // A dictionary that may differ only in `keys`, each of which passes `ok`.
    let dict_changed_only = |a: &Dictionary, b: &Dictionary, keys: &[&[u8]]| -> Option<Vec<u8>> {
        let mut all: BTreeSet<Vec<u8>> = a.iter().map(|(k, _)| k.clone()).collect();
        all.extend(b.iter().map(|(k, _)| k.clone()));
        all.into_iter()
            .find(|k| a.get(k).ok() != b.get(k).ok() && !keys.contains(&k.as_slice()))
    };
    let acroform_ok = |a: &Dictionary, b: &Dictionary| -> bool {
        if dict_changed_only(a, b, &[b"Fields", b"SigFlags", b"DR"]).is_some() {
            return false;
        }
        match (a.get(b"Fields").ok(), b.get(b"Fields").ok()) {
            (Some(Object::Array(x)), Some(Object::Array(y))) => added_refs_ok(x, y),
            (None, Some(Object::Array(y))) => added_refs_ok(&[], y),
            (x, y) => x == y,
        }
    };

    let mut kinds = BTreeSet::new();
    for (id, o) in &new.objects {
        if is_container(o) {
            continue;
        }
        match old.objects.get(id) {
            Some(prev) if prev == o => continue,
            None => {
                if let Some(k) = is_sig_dict(o) {
                    kinds.insert(k);
                } else if new_widgets.contains(id) {
                    kinds.insert(Allowed::FormBookkeeping);
                } else if dss_objects.contains(id) {
                    kinds.insert(Allowed::ValidationData);
                } else {
                    changes.push(bad(*id, o, "har lagts till", "was added"));
                }
            }
            Some(prev) => {
                let ok = match (dict_of(prev), dict_of(o), prev, o) {
                    (_, _, Object::Array(a), Object::Array(b)) => added_refs_ok(a, b),
                    (Some(a), Some(b), Object::Dictionary(_), Object::Dictionary(_)) => {
                        let ty = name_of(a, b"Type");
                        if ty.as_deref() == Some(b"Page") {
                            dict_changed_only(a, b, &[b"Annots"]).is_none()
                                && match (a.get(b"Annots").ok(), b.get(b"Annots").ok()) {
                                    (Some(Object::Array(x)), Some(Object::Array(y))) => {
                                        added_refs_ok(x, y)
                                    }
                                    (None, Some(Object::Array(y))) => added_refs_ok(&[], y),
                                    (x, y) => x == y,
                                }
                        } else if ty.as_deref() == Some(b"Catalog") {
                            dict_changed_only(a, b, &[b"AcroForm", b"DSS", b"Extensions"]).is_none()
                                && match (a.get(b"AcroForm").ok(), b.get(b"AcroForm").ok()) {
                                    (Some(Object::Dictionary(x)), Some(Object::Dictionary(y))) => {
                                        acroform_ok(x, y)
                                    }
                                    (None, Some(Object::Dictionary(y))) => {
                                        acroform_ok(&Dictionary::new(), y)
                                    }
                                    (x, y) => x == y,
                                }
                        } else if a.has(b"Fields") || b.has(b"Fields") {
                            acroform_ok(a, b)
                        } else {
                            // The DSS dictionary itself, or what it holds, may grow.
                            dss_objects.contains(id) && old_dss.contains(id)
                        }
                    }
                    _ => dss_objects.contains(id) && old_dss.contains(id),
                };
                if ok {
                    kinds.insert(if dss_objects.contains(id) {
                        Allowed::ValidationData
                    } else {
                        Allowed::FormBookkeeping
                    });
                } else {
                    changes.push(bad(*id, o, "har ändrats", "was changed"));
                }
            }
        }
    }
    for (id, o) in &old.objects {
        if !is_container(o) && !new.objects.contains_key(id) {
            changes.push(bad(*id, o, "har tagits bort", "was removed"));
        }
    }
    let mut allowed: Vec<Change> = kinds
        .into_iter()
        .filter(|k| *k != Allowed::FormBookkeeping)
        .map(|k| Change {
            allowed: true,
            what: match k {
                Allowed::Signature => t("en signatur lades till", "a signature was added"),
                Allowed::DocumentTimestamp => t(
                    "en dokumenttidsstämpel lades till",
                    "a document timestamp was added",
                ),
                Allowed::ValidationData => t(
                    "valideringsdata (DSS: certifikat, OCSP-svar, spärrlistor) lades till",
                    "validation data (DSS: certificates, OCSP responses, CRLs) were added",
                ),
                Allowed::FormBookkeeping => String::new(),
            },
        })
        .collect();
    allowed.extend(changes);
    allowed
}

/// What the catalog's `/DSS` holds in a (whole) file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DssCounts {
    pub certs: usize,
    pub ocsps: usize,
    pub crls: usize,
}

/// What the catalog's `/DSS` holds (DER of each stream).
#[derive(Debug, Clone, Default)]
pub struct DssData {
    pub certs: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

pub fn dss_data(pdf: &[u8]) -> Option<DssData> {
    let doc = Document::load_mem(pdf).ok()?;
    let cat = doc.get_dictionary(root_id(&doc)?).ok()?;
    let dss = match cat.get(b"DSS").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let read = |key: &[u8]| -> Vec<Vec<u8>> {
        let arr = match dss.get(key) {
            Ok(Object::Array(a)) => a.clone(),
            Ok(Object::Reference(id)) => doc
                .get_object(*id)
                .ok()
                .and_then(|o| o.as_array().ok().cloned())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        arr.iter()
            .filter_map(|o| o.as_reference().ok())
            .filter_map(|id| doc.get_object(id).ok())
            .filter_map(|o| o.as_stream().ok())
            .map(|s| {
                s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone())
            })
            .collect()
    };
    Some(DssData {
        certs: read(b"Certs"),
        ocsps: read(b"OCSPs"),
        crls: read(b"CRLs"),
    })
}
