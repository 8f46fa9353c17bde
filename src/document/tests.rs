//! Whole-module tests: templates, and the PDF's structure as lopdf reads it back.

use super::*;
use serde_json::json;

fn meta(lang: &str) -> Meta {
    Meta {
        title: "Bedömning av Kultur & fritid – “Sollentuna”".into(),
        subject: "Dataskydd".into(),
        author: "Åsa Öberg".into(),
        keywords: vec!["dataskydd".into(), "sociala medier".into()],
        lang: lang.into(),
        creator: "dataskydd test".into(),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:30:00+01:00").unwrap(),
    }
}

fn files() -> Vec<Attachment> {
    vec![
        Attachment {
            name: "answers.toml".into(),
            mime: "application/toml".into(),
            description: "Svaren".into(),
            bytes: "konto = \"kultur\"\nnote = \"åäö §\"\n".into(),
            relationship: Relationship::Source,
        },
        Attachment {
            name: "bilaga-ö.bin".into(),
            mime: "application/octet-stream".into(),
            description: "Binär bilaga".into(),
            bytes: (0..=255u8).cycle().take(5000).collect(),
            relationship: Relationship::Data,
        },
    ]
}

const MARKUP: &str = "# Titel\n!kv Kommun | Sollentuna\n## Avsnitt\nText med **fet** stil och § 26.\n- punkt\n| A | B |\n|---|---|\n| 1 | 2 |\n> Obs!\n";

#[test]
fn template_joins_and_does_not_escape_html() {
    let out = render_template(
        "# {{title}}\n{{join list}} / {{join list \" – \"}} / {{join one}}",
        &json!({"title": "<b>A & B</b>", "list": ["x", 2, true], "one": "solo"}),
    )
    .unwrap();
    assert_eq!(out, "# <b>A & B</b>\nx, 2, true / x – 2 – true / solo");
}

#[test]
fn template_missing_variable_is_an_error_naming_it() {
    for t in ["Hej {{namn}}!", "{{join saknas}}", "{{esc org.nämnd}}"] {
        let err = render_template(t, &json!({"org": {}})).unwrap_err();
        let msg = err.to_string();
        let name = ["namn", "saknas", "org.nämnd"]
            .into_iter()
            .find(|n| t.contains(n))
            .unwrap();
        assert!(msg.contains(name), "{t}: {msg}");
        assert_eq!(err.exit_code(), 2);
    }
}

#[test]
fn template_syntax_error_is_reported() {
    let err = render_template("rad\n{{#if x}}utan slut", &json!({"x": true})).unwrap_err();
    assert!(err.to_string().contains("template"), "{err}");
}

#[test]
fn template_esc_keeps_data_literal() {
    let out = render_template("| {{esc a}} | b |", &json!({"a": "x | **y**\nz"})).unwrap();
    match &parse(&out)[0] {
        Block::Table { header, .. } => {
            assert_eq!(header.len(), 2);
            assert_eq!(header[0][0].text, "x | **y** z");
            assert!(!header[0][0].bold);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn same_input_gives_same_bytes_and_other_input_other_ids() {
    let a = render_pdf(MARKUP, &meta("sv"), &files()).unwrap();
    let b = render_pdf(MARKUP, &meta("sv"), &files()).unwrap();
    assert!(a == b, "rendering is not deterministic");
    let c = render_pdf(&format!("{MARKUP}\nmer\n"), &meta("sv"), &files()).unwrap();
    let id = |pdf: &[u8]| {
        let d = lopdf::Document::load_mem(pdf).unwrap();
        d.trailer.get(b"ID").unwrap().clone()
    };
    assert_ne!(id(&a), id(&c));
}

#[test]
fn pdf_is_ready_for_an_incremental_signature() {
    let pdf = render_pdf(MARKUP, &meta("sv"), &files()).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7\n"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("\nxref\n"), "classic cross-reference table");
    assert!(text.contains("\ntrailer\n"));
    assert!(!text.contains("/ObjStm") && !text.contains("/XRef"));
    // One cross-reference section covering every object, without holes (poppler rebuilds
    // the table when an entry is missing).
    let xref = &text[text.rfind("\nxref\n").unwrap() + 6..];
    let header = xref.lines().next().unwrap();
    let size = text.split("/Size ").last().unwrap();
    let size: String = size.chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(header, format!("0 {size}"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert!(matches!(
        doc.reference_table.cross_reference_type,
        lopdf::xref::XrefType::CrossReferenceTable
    ));
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let first = doc.get_object(pages[&1]).unwrap().as_dict().unwrap();
    assert_eq!(first.get(b"Type").unwrap().as_name().unwrap(), b"Page");
    assert!(first.get(b"MediaBox").is_ok());
}

#[test]
fn metadata_is_written() {
    let pdf = render_pdf(MARKUP, &meta("sv"), &[]).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let info_id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_object(info_id).unwrap().as_dict().unwrap();
    let get = |k: &[u8]| lopdf::decode_text_string(info.get(k).unwrap()).unwrap();
    assert_eq!(get(b"Title"), "Bedömning av Kultur & fritid – “Sollentuna”");
    assert_eq!(get(b"Author"), "Åsa Öberg");
    assert_eq!(get(b"Subject"), "Dataskydd");
    assert_eq!(get(b"Keywords"), "dataskydd, sociala medier");
    assert_eq!(get(b"Creator"), "dataskydd test");
    assert_eq!(get(b"CreationDate"), "D:20261125103000+01'00'");
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"sv");
    let xmp = catalog
        .get_deref(b"Metadata", &doc)
        .unwrap()
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8(xmp.content.clone()).unwrap();
    assert!(xmp.contains("Bedömning av Kultur &amp; fritid"));
    assert!(xmp.contains("2026-11-25T10:30:00+01:00"));
    // No attachments: no name tree.
    assert!(catalog.get(b"Names").is_err());
    assert!(attachments(&pdf).unwrap().is_empty());
}

#[test]
fn attachments_round_trip() {
    let pdf = render_pdf(MARKUP, &meta("sv"), &files()).unwrap();
    let got = attachments(&pdf).unwrap();
    let mut want: Vec<(String, Vec<u8>)> = files().into_iter().map(|a| (a.name, a.bytes)).collect();
    want.sort();
    assert_eq!(got, want);

    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let af = catalog.get(b"AF").unwrap().as_array().unwrap();
    assert_eq!(af.len(), 2);
    let spec = doc.dereference(&af[0]).unwrap().1.as_dict().unwrap();
    assert_eq!(
        spec.get(b"AFRelationship").unwrap().as_name().unwrap(),
        b"Source" // the answers are what the record was made from
    );
    assert_eq!(spec.get(b"F").unwrap().as_str().unwrap(), b"answers.toml");
    let ef = spec.get(b"EF").unwrap().as_dict().unwrap();
    let stream = ef.get_deref(b"F", &doc).unwrap().as_stream().unwrap();
    assert_eq!(
        stream.dict.get(b"Subtype").unwrap().as_name().unwrap(),
        b"application/toml"
    );
    let params = stream.dict.get(b"Params").unwrap().as_dict().unwrap();
    assert_eq!(
        params.get(b"Size").unwrap().as_i64().unwrap(),
        files()[0].bytes.len() as i64
    );
}

#[test]
fn attachments_survive_an_incremental_update() {
    // What the signing step does: load, change, append an update.
    let pdf = render_pdf(MARKUP, &meta("sv"), &files()).unwrap();
    let prev = lopdf::Document::load_mem(&pdf).unwrap();
    let mut inc = lopdf::IncrementalDocument::create_from(pdf.clone(), prev);
    let new_id = inc.new_document.new_object_id();
    inc.new_document
        .set_object(new_id, lopdf::Object::string_literal("tillägg"));
    let mut updated = Vec::new();
    inc.save_to(&mut updated).unwrap();
    assert!(updated.starts_with(&pdf));
    assert_eq!(attachments(&updated).unwrap().len(), 2);
}

#[test]
fn bad_attachments_and_bad_pdfs_are_errors() {
    let mut two = files();
    two[1].name = two[0].name.clone();
    let err = render_pdf(MARKUP, &meta("sv"), &two).unwrap_err();
    assert!(err.to_string().contains("answers.toml"), "{err}");
    let err = attachments(b"%PDF-1.7\nnot really").unwrap_err();
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn footer_language_follows_meta() {
    for (en, want) in [(false, "Sida 2 av 2"), (true, "Page 2 of 2")] {
        let mut pages = layout::layout(&parse("# T\n===\ntext"));
        layout::add_footers(&mut pages, "Titel", en);
        assert!(pages[1]
            .items
            .iter()
            .any(|i| matches!(i, layout::Item::Text { text, .. } if text == want)));
    }
}

#[test]
fn empty_markup_gives_one_page() {
    let pdf = render_pdf("", &meta("sv"), &[]).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
}
