//! Pages of positioned items → PDF bytes (content streams written here, fonts subset by
//! `embed`, objects assembled and saved by lopdf), and reading embedded files back.

use std::collections::BTreeSet;
use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

use super::embed::Embedded;
use super::fonts::{Face, Fonts};
use super::layout::{Item, Page, PAGE_H, PAGE_W};
use super::{Attachment, Meta};
use crate::error::{Error, Result};

/// Largest embedded file we decode when reading a PDF back (a guard against
/// decompression bombs in files we did not write).
const MAX_ATTACHMENT: usize = 64 * 1024 * 1024;

/// A PDF as written, with its objects as lopdf holds them (`xref_start` set as a parse
/// of the bytes would set it): whoever adds to the file next (the signer) need not parse
/// it again.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub objects: lopdf::Document,
}

pub fn write(
    pages: &[Page],
    meta: &Meta,
    attachments: &[Attachment],
    digest: &[u8],
) -> Result<Rendered> {
    check_attachments(attachments)?;
    let fonts = Fonts::get();

    // The characters each face draws, and their embeddings (cached per set: see `embed`).
    let mut seen = [CharSet::default(), CharSet::default()];
    for page in pages {
        for item in &page.items {
            if let Item::Text { bold, text, .. } = item {
                seen[*bold as usize].extend(text);
            }
        }
    }
    let chars = seen.map(CharSet::into_set);
    let get = |bold: bool| Embedded::get(fonts.face(bold), bold, &chars[bold as usize]);
    // Two faces to subset and compress (a record alone in its process: one `assess`):
    // the bold one on a second thread. Cached sets (a batch's) are only looked up.
    let both_new = chars.iter().all(|c| !c.is_empty())
        && !Embedded::is_cached(false, &chars[0])
        && !Embedded::is_cached(true, &chars[1]);
    let mut made: [Option<Arc<Embedded>>; 2] = if both_new {
        std::thread::scope(|s| {
            let bold = s.spawn(|| get(true));
            let regular = get(false);
            [
                Some(regular),
                Some(bold.join().expect("font embedding thread")),
            ]
        })
    } else {
        [None, None]
    };
    let faces: Vec<(&'static [u8], Arc<Embedded>)> = [(false, b"R" as &[u8]), (true, b"B")]
        .into_iter()
        .filter(|(bold, _)| !chars[*bold as usize].is_empty())
        .map(|(bold, name)| {
            (
                name,
                made[bold as usize].take().unwrap_or_else(|| get(bold)),
            )
        })
        .collect();
    let embedded = |bold: bool| -> &Embedded {
        let name: &[u8] = if bold { b"B" } else { b"R" };
        &faces
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a face that draws text is embedded")
            .1
    };

    let mut pdf = lopdf::Document::with_version("1.7");
    // A classic table, not lopdf's default cross-reference stream: the signer appends an
    // incremental update with a classic table, and old readers need one throughout.
    pdf.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let pages_id = pdf.new_object_id();
    let mut font_refs = Dictionary::new();
    for (name, e) in &faces {
        let bold = *name == b"B";
        let id = font_objects(&mut pdf, fonts.face(bold), e);
        font_refs.set(*name, Object::Reference(id));
    }
    let resources = pdf.add_object(Dictionary::from_iter(vec![(
        "Font",
        Object::Dictionary(font_refs),
    )]));
    let mut kids = Vec::with_capacity(pages.len());
    for page in pages {
        let content = deflate(&page_content(page, &embedded));
        let content = pdf.add_object(Stream::new(
            Dictionary::from_iter(vec![("Filter", Object::Name(b"FlateDecode".to_vec()))]),
            content,
        ));
        kids.push(Object::Reference(pdf.add_object(Dictionary::from_iter(
            vec![
                ("Type", Object::Name(b"Page".to_vec())),
                ("Parent", Object::Reference(pages_id)),
                (
                    "MediaBox",
                    Object::Array(vec![
                        0.into(),
                        0.into(),
                        Object::Real(PAGE_W),
                        Object::Real(PAGE_H),
                    ]),
                ),
                ("Resources", Object::Reference(resources)),
                ("Contents", Object::Reference(content)),
            ],
        ))));
    }
    let count = kids.len() as i64;
    pdf.objects.insert(
        pages_id,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Kids", Object::Array(kids)),
            ("Count", Object::Integer(count)),
        ])),
    );
    let catalog = pdf.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Catalog".to_vec())),
        ("Pages", Object::Reference(pages_id)),
    ]));
    pdf.trailer.set("Root", Object::Reference(catalog));

    finish(&mut pdf, meta, attachments, digest)
        .map_err(|e| Error::input(format!("PDF assembly failed: {e}")))?;
    // One contiguous cross-reference section, 1..=n: a hole is damage to poppler.
    debug_assert!(pdf
        .objects
        .keys()
        .enumerate()
        .all(|(i, (num, gen))| *num as usize == i + 1 && *gen == 0));
    compress(&mut pdf);
    let mut out = Vec::with_capacity(64 * 1024);
    pdf.save_to(&mut out)
        .map_err(|e| Error::input(format!("PDF assembly failed: {e}")))?;
    out.push(b'\n');
    pdf.xref_start = startxref(&out)
        .ok_or_else(|| Error::input("PDF assembly failed: no startxref".to_string()))?;
    Ok(Rendered {
        bytes: out,
        objects: pdf,
    })
}

/// The offset after the last `startxref` of a file lopdf wrote.
fn startxref(out: &[u8]) -> Option<usize> {
    let tail = &out[out.len().saturating_sub(64)..];
    let at = memchr::memmem::rfind(tail, b"startxref")?;
    let rest = std::str::from_utf8(&tail[at + b"startxref".len()..]).ok()?;
    rest.split_whitespace().next()?.parse().ok()
}

/// The Type0 font (Identity-H over a CIDFontType2 with an identity CID-to-glyph map) that
/// draws with `e`'s codes, and its descriptor, program and ToUnicode map.
fn font_objects(pdf: &mut lopdf::Document, face: &Face, e: &Embedded) -> ObjectId {
    let d = &face.descriptor;
    let name = format!("{}+{}", e.tag, d.ps_name).into_bytes();
    let mut program = Stream::new(
        Dictionary::from_iter(vec![
            ("Length1", Object::Integer(e.program_len as i64)),
            ("Filter", Object::Name(b"FlateDecode".to_vec())),
        ]),
        e.program.clone(),
    );
    program.allows_compression = false;
    let program = pdf.add_object(program);
    let descriptor = pdf.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"FontDescriptor".to_vec())),
        ("FontName", Object::Name(name.clone())),
        ("Flags", Object::Integer(d.flags)),
        (
            "FontBBox",
            Object::Array(d.bbox.iter().map(|v| (*v).into()).collect()),
        ),
        ("ItalicAngle", Object::Integer(d.italic_angle)),
        ("Ascent", Object::Integer(d.ascent)),
        ("Descent", Object::Integer(d.descent)),
        ("CapHeight", Object::Integer(d.cap_height)),
        ("StemV", Object::Integer(d.stem_v)),
        ("FontFile2", Object::Reference(program)),
    ]));
    let mut to_unicode = Stream::new(
        Dictionary::from_iter(vec![("Filter", Object::Name(b"FlateDecode".to_vec()))]),
        e.to_unicode.clone(),
    );
    to_unicode.allows_compression = false;
    let to_unicode = pdf.add_object(to_unicode);
    let widths: Vec<Object> = e
        .widths
        .iter()
        .map(|w| Object::Integer(*w as i64))
        .collect();
    let cid_font = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"CIDFontType2".to_vec())),
        ("BaseFont", Object::Name(name.clone())),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Registry", Object::string_literal("Adobe")),
                ("Ordering", Object::string_literal("Identity")),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("W", Object::Array(vec![0.into(), Object::Array(widths)])),
        ("CIDToGIDMap", Object::Name(b"Identity".to_vec())),
    ]);
    pdf.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", Object::Name(name)),
        ("Encoding", Object::Name(b"Identity-H".to_vec())),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Dictionary(cid_font)]),
        ),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]))
}

/// Flate level (libdeflate's scale, 1–12) for the streams made for each record (pages,
/// embedded files). Measured on first runs of 1,000 fresh `city_bench` accounts, alternating
/// (7 December 2026): zlib-rs at level 2 gave 55.81 MB of output for a median 2.51 s of user
/// CPU; libdeflate at 4 gave 54.33 MB for 2.35 s, at 6 54.04 MB for 2.47 s, at 2 54.60 MB.
/// Wall and CPU times of whole batches drift too much on this VM to rank 1, 2 and 4, so
/// instructions decided (callgrind, `assess --all` of 100 of those accounts): level 1
/// 1,498 M for 5.52 MB, level 4 1,610 M for 5.47 MB, i.e. 7 % less work for 0.9 % more
/// bytes, still less than zlib-rs at 2 gave.
const FLATE_LEVEL: i32 = 1;

/// Flate level for what is compressed once per process and reused (font subsets, the
/// colour profile). One `assess` pays for its subsets alone: four records were 198,295
/// bytes at level 4, 197,297 at 6 and 197,220 at 9, for 45.4, 46.2 and 47.1 M
/// instructions of the whole `assess` with the colour profile still at zlib's best
/// (callgrind; zlib-rs at 2 and 4: 202,206 bytes, 52.2 M). With the profile here too, 6
/// is 45.4 M.
pub(super) const FLATE_ONCE: i32 = 6;

/// zlib-compresses `bytes` at [`FLATE_LEVEL`].
pub(super) fn deflate(bytes: &[u8]) -> Vec<u8> {
    deflate_at(bytes, FLATE_LEVEL)
}

/// zlib-compresses `bytes` with libdeflate, whose compressor each thread keeps per level:
/// a new zlib stream for every stream zeroed ≈300 KB of state first (11 % of one
/// `assess`'s page faults, `perf record -e page-faults`), and libdeflate compresses a
/// whole buffer faster than zlib-rs streams it, for smaller output (figures above).
pub(super) fn deflate_at(bytes: &[u8], level: i32) -> Vec<u8> {
    use std::cell::RefCell;
    thread_local! {
        static COMPRESSORS: RefCell<Vec<(i32, libdeflater::Compressor)>> =
            const { RefCell::new(Vec::new()) };
    }
    COMPRESSORS.with(|c| {
        let mut c = c.borrow_mut();
        let i = match c.iter().position(|(l, _)| *l == level) {
            Some(i) => i,
            None => {
                let lvl = libdeflater::CompressionLvl::new(level)
                    .expect("a flate level of this module's, within 1–12");
                c.push((level, libdeflater::Compressor::new(lvl)));
                c.len() - 1
            }
        };
        let comp = &mut c[i].1;
        let mut out = vec![0u8; comp.zlib_compress_bound(bytes.len())];
        let n = comp
            .zlib_compress(bytes, &mut out)
            .expect("libdeflate's own bound is room enough");
        out.truncate(n);
        out
    })
}

/// Compresses every stream not yet filtered (lopdf's own `compress` always uses level 9).
fn compress(pdf: &mut lopdf::Document) {
    for obj in pdf.objects.values_mut() {
        let Object::Stream(st) = obj else { continue };
        if !st.allows_compression || st.dict.has(b"Filter") {
            continue;
        }
        let packed = deflate(&st.content);
        if packed.len() < st.content.len() {
            st.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            st.set_content(packed);
        }
    }
}

fn check_attachments(attachments: &[Attachment]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for a in attachments {
        if a.name.trim().is_empty() {
            return Err(Error::input("an attachment has an empty file name"));
        }
        if !seen.insert(a.name.as_str()) {
            return Err(Error::input(format!(
                "two attachments are named '{}'",
                a.name
            )));
        }
    }
    Ok(())
}

/// A page's content stream, written directly: fills first (backgrounds and rules), then
/// all text in reading order, each state change only when it changes.
fn page_content<'a>(page: &Page, embedded: &impl Fn(bool) -> &'a Embedded) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.items.len() * 48 + 64);
    let mut fill: Option<[f32; 3]> = None;
    for item in &page.items {
        if let Item::Rect { x, y, w, h, color } = item {
            if fill != Some(*color) {
                set_fill(&mut out, *color);
                fill = Some(*color);
            }
            for v in [*x, PAGE_H - y - h, *w] {
                push_num(&mut out, v);
                out.push(b' ');
            }
            push_num(&mut out, *h);
            out.extend_from_slice(b" re f\n");
        }
    }
    out.extend_from_slice(b"BT\n");
    let mut font: Option<(bool, f32)> = None;
    fill = None;
    // Where the current line starts (BT sets the origin), in hundredths of a point.
    let mut line = (0i64, 0i64);
    for item in &page.items {
        if let Item::Text {
            x,
            y,
            size,
            bold,
            color,
            text,
        } = item
        {
            if font != Some((*bold, *size)) {
                out.extend_from_slice(if *bold { b"/B " } else { b"/R " });
                push_num(&mut out, *size);
                out.extend_from_slice(b" Tf\n");
                font = Some((*bold, *size));
            }
            if fill != Some(*color) {
                set_fill(&mut out, *color);
                fill = Some(*color);
            }
            // A move from the last line's start (`Td`), in whole hundredths so the moves add
            // up to exactly the position `Tm` would set: 12 bytes a line fewer to deflate.
            let at = (hundredths(*x), hundredths(PAGE_H - y));
            push_hundredths(&mut out, at.0 - line.0);
            out.push(b' ');
            push_hundredths(&mut out, at.1 - line.1);
            out.extend_from_slice(b" Td\n");
            line = at;
            embedded(*bold).encode(text, &mut out);
            out.extend_from_slice(b" Tj\n");
        }
    }
    out.extend_from_slice(b"ET\n");
    out
}

fn set_fill(out: &mut Vec<u8>, [r, g, b]: [f32; 3]) {
    for v in [r, g, b] {
        push_num(out, v);
        out.push(b' ');
    }
    out.extend_from_slice(b"rg\n");
}

/// Appends a number for a content stream: at most two decimals (1/7200 inch), no trailing
/// zeros. Written digit by digit: a `format!` per number was 4 % of the batch's CPU.
fn push_num(out: &mut Vec<u8>, v: f32) {
    push_hundredths(out, hundredths(v));
}

/// `v` in whole hundredths, as [`push_num`] rounds it.
fn hundredths(v: f32) -> i64 {
    (v * 100.0).round() as i64
}

/// Appends `n` hundredths as [`push_num`] writes them.
fn push_hundredths(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let (int, frac) = (n.unsigned_abs() / 100, n.unsigned_abs() % 100);
    out.extend_from_slice(itoa::Buffer::new().format(int).as_bytes());
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if frac % 10 != 0 {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
}

/// The characters one face draws in a document: a bit per code point below U+0800 (every
/// Latin letter and punctuation mark the templates use), a set for the rest. Inserting
/// each of a record's ≈20,000 characters into a `BTreeSet` was 4.5 % of the batch's CPU.
struct CharSet {
    low: [u64; super::embed::LOW / 64],
    high: BTreeSet<char>,
}

impl Default for CharSet {
    fn default() -> Self {
        CharSet {
            low: [0; super::embed::LOW / 64],
            high: BTreeSet::new(),
        }
    }
}

impl CharSet {
    fn extend(&mut self, text: &str) {
        for c in text.chars() {
            let i = c as usize;
            match self.low.get_mut(i / 64) {
                Some(bits) => *bits |= 1 << (i % 64),
                None => {
                    self.high.insert(c);
                }
            }
        }
    }

    fn into_set(self) -> BTreeSet<char> {
        let mut set = self.high;
        for (w, bits) in self.low.iter().enumerate() {
            for b in 0..64 {
                if bits & (1 << b) != 0 {
                    set.extend(char::from_u32((w * 64 + b) as u32));
                }
            }
        }
        set
    }
}

/// Metadata, document ID, language and embedded files: what printpdf does not write, or
/// writes with random or wall-clock values.
fn finish(
    pdf: &mut lopdf::Document,
    meta: &Meta,
    attachments: &[Attachment],
    digest: &[u8],
) -> lopdf::Result<()> {
    pdf.version = "1.7".into();
    let date = pdf_date(&meta.created);

    // Document information dictionary (replaces printpdf's, which has its own clock).
    let info = Dictionary::from_iter(vec![
        ("Title", text(&meta.title)),
        ("Author", text(&meta.author)),
        ("Subject", text(&meta.subject)),
        ("Keywords", text(&meta.keywords.join(", "))),
        ("Creator", text(&meta.creator)),
        ("Producer", text(PRODUCER)),
        ("CreationDate", Object::string_literal(date.clone())),
        ("ModDate", Object::string_literal(date.clone())),
    ]);
    // Replaced in place: a gap in the object numbers leaves a hole in the cross-reference
    // table, which poppler takes for damage (it then rebuilds the table and complains).
    match pdf.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            pdf.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = pdf.add_object(info);
            pdf.trailer.set("Info", Object::Reference(id));
        }
    }

    // Deterministic file identifier.
    let id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);
    pdf.trailer.set("ID", Object::Array(vec![id.clone(), id]));

    // XMP metadata for archives (uncompressed, as readers expect).
    let mut xmp = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp(meta).into_bytes(),
    );
    xmp.allows_compression = false;
    let xmp_id = pdf.add_object(xmp);

    // Embedded files: a sorted name tree and /AF.
    let mut specs: Vec<(String, ObjectId)> = Vec::new();
    for a in attachments {
        let ef = Stream::new(
            Dictionary::from_iter(vec![
                ("Type", Object::Name(b"EmbeddedFile".to_vec())),
                ("Subtype", Object::Name(a.mime.as_bytes().to_vec())),
                (
                    "Params",
                    Object::Dictionary(Dictionary::from_iter(vec![
                        ("Size", Object::Integer(a.bytes.len() as i64)),
                        ("ModDate", Object::string_literal(date.clone())),
                    ])),
                ),
            ]),
            a.bytes.clone(),
        );
        let ef_id = pdf.add_object(ef);
        let spec = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Filespec".to_vec())),
            ("F", Object::string_literal(ascii_file_name(&a.name))),
            ("UF", text(&a.name)),
            ("Desc", text(&a.description)),
            (
                "AFRelationship",
                Object::Name(a.relationship.pdf_name().as_bytes().to_vec()),
            ),
            (
                "EF",
                Object::Dictionary(Dictionary::from_iter(vec![
                    ("F", Object::Reference(ef_id)),
                    ("UF", Object::Reference(ef_id)),
                ])),
            ),
        ]);
        specs.push((a.name.clone(), pdf.add_object(spec)));
    }
    let af: Vec<Object> = specs.iter().map(|(_, id)| Object::Reference(*id)).collect();
    let mut tree = specs.clone();
    tree.sort_by_key(|a| text_bytes(&a.0));
    let names: Vec<Object> = tree
        .iter()
        .flat_map(|(n, id)| [text(n), Object::Reference(*id)])
        .collect();

    let intent = output_intent(pdf);

    let catalog = pdf.catalog_mut()?;
    catalog.set("OutputIntents", Object::Array(vec![intent]));
    catalog.set("Lang", text(&meta.lang));
    catalog.set("Metadata", Object::Reference(xmp_id));
    catalog.set(
        "ViewerPreferences",
        Object::Dictionary(Dictionary::from_iter(vec![(
            "DisplayDocTitle",
            Object::Boolean(true),
        )])),
    );
    if !attachments.is_empty() {
        catalog.set(
            "Names",
            Object::Dictionary(Dictionary::from_iter(vec![(
                "EmbeddedFiles",
                Object::Dictionary(Dictionary::from_iter(vec![("Names", Object::Array(names))])),
            )])),
        );
        catalog.set("AF", Object::Array(af));
    }
    Ok(())
}

/// The sRGB profile every colour in a record is meant in (icc-profiles-free, zlib licence:
/// `icc/LICENSE.txt`). PDF/A needs it because the pages paint in DeviceRGB.
static SRGB_ICC: &[u8] = include_bytes!("../../icc/sRGB.icc");

/// The PDF/A output intent: `/GTS_PDFA1` with the sRGB profile (`/N 3`, compressed later).
///
/// The profile is compressed once per process, not once per record.
fn output_intent(pdf: &mut lopdf::Document) -> Object {
    static PACKED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let packed = PACKED.get_or_init(|| deflate_at(SRGB_ICC, FLATE_ONCE));
    let profile = pdf.add_object(Stream::new(
        Dictionary::from_iter(vec![
            ("N", Object::Integer(3)),
            ("Filter", Object::Name(b"FlateDecode".to_vec())),
        ]),
        packed.clone(),
    ));
    Object::Dictionary(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", text("sRGB IEC61966-2.1")),
        ("Info", text("sRGB IEC61966-2.1")),
        ("DestOutputProfile", Object::Reference(profile)),
    ]))
}

const PRODUCER: &str = concat!("dataskydd ", env!("CARGO_PKG_VERSION"), " (lopdf)");

/// A PDF text string: PDFDocEncoding for printable ASCII, else UTF-16BE with a BOM.
fn text(s: &str) -> Object {
    let bytes = text_bytes(s);
    let format = if bytes.starts_with(&[0xFE, 0xFF]) {
        StringFormat::Hexadecimal
    } else {
        StringFormat::Literal
    };
    Object::String(bytes, format)
}

fn text_bytes(s: &str) -> Vec<u8> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.as_bytes().to_vec();
    }
    let mut out = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

/// `/F` must be a plain byte string: keep ASCII, replace the rest.
fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '_' })
        .collect()
}

fn pdf_date(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let off = t.offset().local_minus_utc();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    format!(
        "D:{}{sign}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        off / 3600,
        off % 3600 / 60
    )
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

fn xmp(meta: &Meta) -> String {
    let date = meta
        .created
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let keywords: String = meta
        .keywords
        .iter()
        .map(|k| format!("<rdf:li>{}</rdf:li>", xml(k)))
        .collect();
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag>{keywords}</rdf:Bag></dc:subject>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{kw}</pdf:Keywords>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        bom = '\u{feff}',
        title = xml(&meta.title),
        author = xml(&meta.author),
        subject = xml(&meta.subject),
        lang = xml(&meta.lang),
        kw = xml(&meta.keywords.join(", ")),
        producer = xml(PRODUCER),
        creator = xml(&meta.creator),
    )
}

// ---------------------------------------------------------------------------------------
// Reading back

pub fn read_attachments(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    let bad = |e: lopdf::Error| Error::input(format!("not a readable PDF: {e}"));
    let doc = lopdf::Document::load_mem(bytes).map_err(bad)?;
    let catalog = doc.catalog().map_err(bad)?;
    let mut out = Vec::new();
    let Ok(names) = catalog.get_deref(b"Names", &doc).and_then(Object::as_dict) else {
        return Ok(out);
    };
    let Ok(root) = names
        .get_deref(b"EmbeddedFiles", &doc)
        .and_then(Object::as_dict)
    else {
        return Ok(out);
    };
    walk(&doc, root, 0, &mut out)?;
    Ok(out)
}

fn walk(
    doc: &lopdf::Document,
    node: &Dictionary,
    depth: usize,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let bad =
        |what: &str| Error::input(format!("the PDF's embedded-file list is damaged ({what})"));
    if depth > 32 {
        return Err(bad("name tree too deep"));
    }
    if let Ok(kids) = node.get_deref(b"Kids", doc).and_then(Object::as_array) {
        for kid in kids {
            let kid = doc
                .dereference(kid)
                .and_then(|(_, o)| o.as_dict())
                .map_err(|_| bad("a name tree node is not a dictionary"))?;
            walk(doc, kid, depth + 1, out)?;
        }
    }
    if let Ok(pairs) = node.get_deref(b"Names", doc).and_then(Object::as_array) {
        for pair in pairs.chunks(2) {
            let [key, spec] = pair else {
                return Err(bad("odd number of entries"));
            };
            let spec = doc
                .dereference(spec)
                .and_then(|(_, o)| o.as_dict())
                .map_err(|_| bad("a file specification is not a dictionary"))?;
            let name = spec
                .get_deref(b"UF", doc)
                .or_else(|_| spec.get_deref(b"F", doc))
                .or_else(|_| doc.dereference(key).map(|(_, o)| o))
                .and_then(lopdf::decode_text_string)
                .map_err(|_| bad("a file has no readable name"))?;
            let ef = spec
                .get_deref(b"EF", doc)
                .and_then(Object::as_dict)
                .map_err(|_| bad(&format!("'{name}' has no /EF")))?;
            let stream = ef
                .get_deref(b"UF", doc)
                .or_else(|_| ef.get_deref(b"F", doc))
                .and_then(Object::as_stream)
                .map_err(|_| bad(&format!("'{name}' has no file stream")))?;
            let data = if stream.dict.has(b"Filter") {
                stream
                    .decompressed_content_with_limit(MAX_ATTACHMENT)
                    .map_err(|e| bad(&format!("'{name}' cannot be decoded: {e}")))?
            } else {
                stream.content.clone()
            };
            out.push((name, data));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_two_decimals_and_no_trailing_zeros() {
        let cases = [
            (0.0, "0"),
            (-0.001, "0"),
            (1.5, "1.5"),
            (0.05, "0.05"),
            (-2.25, "-2.25"),
            (841.89, "841.89"),
            (595.2756, "595.28"),
            (12.999, "13"),
            (-0.5, "-0.5"),
        ];
        for (v, want) in cases {
            let mut out = Vec::new();
            push_num(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), want, "{v}");
        }
    }

    #[test]
    fn a_char_set_holds_each_character_once_in_order() {
        let mut set = CharSet::default();
        set.extend("Åäö § abc");
        set.extend("cba €😀 ö");
        let want: BTreeSet<char> = "Åäö § abccba €😀 ö".chars().collect();
        assert_eq!(set.into_set(), want);
        assert!(CharSet::default().into_set().is_empty());
    }
}
