//! A small unsigned PDF for tests and benchmarks (classic xref, one page per `pages`, text
//! in Helvetica with Swedish letters), padded with text lines to about `min_bytes`.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

/// Builds the sample; `xref_stream` saves it with object streams and an xref stream instead.
pub fn sample_pdf(pages: usize, min_bytes: usize, xref_stream: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let latin1 = |s: &str| -> Vec<u8> { s.chars().map(|c| c as u32 as u8).collect() };
    let per_page = min_bytes / pages.max(1);
    let mut kids = Vec::new();
    for p in 0..pages.max(1) {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec![Object::Name(b"F1".to_vec()), 14.into()]),
            Operation::new("Td", vec![56.into(), 780.into()]),
            Operation::new(
                "Tj",
                vec![Object::String(
                    latin1(&format!(
                        "Dataskyddsbedömning – sida {} (Åsa Öberg, Nyköping)",
                        p + 1
                    )),
                    StringFormat::Literal,
                )],
            ),
            Operation::new("Tf", vec![Object::Name(b"F1".to_vec()), 6.into()]),
        ];
        let mut size = 0;
        let mut line = 0;
        while size < per_page {
            let text = format!(
                "Rad {line}: personuppgifter, ändamål, rättslig grund, lagringstid, överföring till tredje land."
            );
            size += text.len() + 20;
            ops.push(Operation::new("Td", vec![0.into(), (-7).into()]));
            ops.push(Operation::new(
                "Tj",
                vec![Object::String(latin1(&text), StringFormat::Literal)],
            ));
            line += 1;
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(
            dictionary! {},
            content.encode().expect("content encodes"),
        ));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => Object::string_literal("sv-SE"),
    });
    let info_id = doc.add_object(dictionary! {
        "Title" => lopdf::text_string("Dataskyddsbedömning"),
        "Producer" => Object::string_literal("dataskydd test"),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    let id = Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let mut out = Vec::new();
    if xref_stream {
        doc.save_modern(&mut out).expect("PDF saves");
    } else {
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        doc.save_to(&mut out).expect("PDF saves");
    }
    out
}
