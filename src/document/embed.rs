//! A face's subset as the PDF objects that embed it, made once per set of characters and
//! shared by every document that draws the same set.
//!
//! A batch of records from one template draws nearly the same characters in every record,
//! so subsetting, compressing the font program and writing the `/W` array and ToUnicode
//! map happen once per distinct set instead of once per record (they were 14 % of the
//! batch's CPU when printpdf did them for every document). The cache is bounded: a process
//! that renders documents with ever new sets keeps at most [`CACHE_SETS`] of them.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use super::fonts::Face;

/// Most distinct character sets kept per process (each entry is a compressed font program
/// of some 10–20 KB).
const CACHE_SETS: usize = 128;

/// Code points below this are looked up in a table (U+0000–U+07FF: Latin, Greek, Cyrillic
/// and the punctuation the templates use).
pub(super) const LOW: usize = 0x800;

/// One face subset to one set of characters, ready to be written into a PDF.
pub struct Embedded {
    /// The six-capital subset tag (ISO 32000-1, 9.6.4), derived from the character set:
    /// the same subset has the same tag in every document, another subset another tag.
    pub tag: String,
    /// The code (CID, two bytes under Identity-H) each character is drawn with: a table
    /// for code points below [`LOW`] (looked up for every character of every record), a map
    /// for the rest. A character not in the set is drawn as .notdef (0).
    low: Vec<u16>,
    high: HashMap<char, u16>,
    /// The subset font program, zlib-compressed, and its uncompressed length (`/Length1`).
    pub program: Vec<u8>,
    pub program_len: usize,
    /// The ToUnicode CMap, zlib-compressed, so text copies and extracts as it was written.
    pub to_unicode: Vec<u8>,
    /// Advance widths in 1/1000 em for CIDs 0, 1, 2, … (the `/W` array's one run).
    pub widths: Vec<u16>,
}

type Cache = Mutex<HashMap<(bool, Vec<char>), Arc<Embedded>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

impl Embedded {
    /// The embedding of `face` for exactly the characters `chars`, from the cache or made.
    pub fn get(face: &'static Face, bold: bool, chars: &BTreeSet<char>) -> Arc<Embedded> {
        let key = (bold, chars.iter().copied().collect::<Vec<_>>());
        let cache = cache();
        if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return hit.clone();
        }
        // Made outside the lock: two threads may both make a new set once; both results
        // are equal bytes, and the second insert simply replaces the first.
        let made = Arc::new(Embedded::make(face, chars));
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_SETS {
            cache.clear();
        }
        cache.insert(key, made.clone());
        made
    }

    /// Whether the embedding of exactly `chars` is in the cache (nothing to make).
    pub fn is_cached(bold: bool, chars: &BTreeSet<char>) -> bool {
        let key = (bold, chars.iter().copied().collect::<Vec<_>>());
        cache()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&key)
    }

    fn make(face: &Face, chars: &BTreeSet<char>) -> Embedded {
        // Glyphs in character order, so the codes follow from the set alone.
        let mut remapper = subsetter::GlyphRemapper::new();
        let mut low = vec![0u16; LOW];
        let mut high = HashMap::new();
        let mut unicode: Vec<(u16, char)> = Vec::with_capacity(chars.len());
        for &c in chars {
            let gid = face.glyph(c);
            let seen = remapper.get(gid).is_some();
            let cid = remapper.remap(gid);
            match low.get_mut(c as usize) {
                Some(slot) => *slot = cid,
                None => {
                    high.insert(c, cid);
                }
            }
            if !seen && gid != 0 {
                unicode.push((cid, c));
            }
        }
        // The bundled fonts are TrueType that subsetter handles; failing is a build defect.
        let program = subsetter::subset(face.bytes, 0, &remapper).expect("bundled font subsets");
        let widths = remapper
            .remapped_gids()
            .map(|gid| face.glyph_advance(gid))
            .collect();
        let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
        for c in chars {
            hash.update(&(*c as u32).to_be_bytes());
        }
        hash.update(face.descriptor.ps_name.as_bytes());
        let tag = hash.finish().as_ref()[..6]
            .iter()
            .map(|b| (b'A' + b % 26) as char)
            .collect();
        Embedded {
            tag,
            low,
            high,
            program_len: program.len(),
            program: super::pdf::deflate_at(&program, super::pdf::FLATE_ONCE),
            to_unicode: super::pdf::deflate_at(
                to_unicode(&unicode).as_bytes(),
                super::pdf::FLATE_ONCE,
            ),
            widths,
        }
    }

    /// Appends the string (two bytes a character) that draws `text`.
    ///
    /// Written as a literal string of the two-byte codes, not as hex: half the bytes, so
    /// deflate has less to do and packs the page smaller (five pages of a record: 49.8 KB
    /// of hex, 10.6 KB at level 5; 32.4 KB as literals, 9.5 KB at level 5 in two thirds of
    /// the time, zlib, 3 December 2026). Only `(`, `)` and `\\` need escaping, and CR and
    /// LF, which a reader would take for an end of line and turn into LF.
    pub fn encode(&self, text: &str, out: &mut Vec<u8>) {
        out.push(b'(');
        for c in text.chars() {
            let cid = match self.low.get(c as usize) {
                Some(cid) => *cid,
                None => self.high.get(&c).copied().unwrap_or(0),
            };
            for b in cid.to_be_bytes() {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(b),
                }
            }
        }
        out.push(b')');
    }
}

/// A ToUnicode CMap (ISO 32000-1, 9.10.3) from two-byte codes to text.
fn to_unicode(pairs: &[(u16, char)]) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most 100 entries a block (the CMap format's limit).
    for block in pairs.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", block.len());
        for (cid, c) in block {
            let _ = write!(s, "<{cid:04X}> <");
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(s, "{u:04X}");
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::fonts::Fonts;

    fn set(s: &str) -> BTreeSet<char> {
        s.chars().collect()
    }

    #[test]
    fn one_embedding_per_set_and_codes_follow_the_set() {
        let face = &Fonts::get().regular;
        let a = Embedded::get(face, false, &set("åäö abc§"));
        let b = Embedded::get(face, false, &set("åäö abc§"));
        assert!(Arc::ptr_eq(&a, &b), "the same set is made once");
        let c = Embedded::get(face, false, &set("åäö abd§"));
        assert_ne!(a.tag, c.tag, "another subset has another tag");
        assert!(a.tag.len() == 6 && a.tag.bytes().all(|b| b.is_ascii_uppercase()));

        // Codes in character order after .notdef (0): space 1, a 2, b 3, … by code point.
        let mut out = Vec::new();
        a.encode(" a", &mut out);
        assert_eq!(out, b"(\0\x01\0\x02)");
        // 'a' is 556/1000 em in Liberation Sans; CID 0 is .notdef.
        assert_eq!(a.widths[2], 556);
        assert_eq!(a.widths.len(), 9);
    }

    /// Every code a subset of 120 characters uses comes back from the literal string as a
    /// reader parses it (ISO 32000-1, 7.3.4.2): `(`, `)`, `\\`, CR and LF among them.
    #[test]
    fn the_literal_string_gives_every_code_back() {
        let face = &Fonts::get().regular;
        let chars: BTreeSet<char> = ('!'..='~').chain('¡'..='ÿ').take(120).collect();
        let e = Embedded::get(face, false, &chars);
        let text: String = chars.iter().collect();
        let mut out = Vec::new();
        e.encode(&text, &mut out);
        let (mut codes, mut it) = (Vec::new(), out[1..out.len() - 1].iter());
        while let Some(&b) = it.next() {
            codes.push(match b {
                b'\\' => match it.next() {
                    Some(b'n') => b'\n',
                    Some(b'r') => b'\r',
                    Some(&c) => c,
                    None => panic!("a lone backslash"),
                },
                b'\r' | b'\n' => panic!("an end of line a reader would rewrite"),
                b'(' | b')' => panic!("an unescaped parenthesis"),
                b => b,
            });
        }
        let want: Vec<u8> = (1..=120u16).flat_map(u16::to_be_bytes).collect();
        assert_eq!(codes, want);
        for special in [b'(', b')', b'\\', b'\r', b'\n'] {
            assert!(want.contains(&special), "the test covers {special}");
        }
    }

    #[test]
    fn to_unicode_maps_each_code_back_to_its_character() {
        let cmap = to_unicode(&[(1, 'å'), (2, '§'), (3, '😀')]);
        assert!(cmap.contains("3 beginbfchar"));
        assert!(cmap.contains("<0001> <00E5>"));
        assert!(cmap.contains("<0002> <00A7>"));
        assert!(
            cmap.contains("<0003> <D83DDE00>"),
            "outside the BMP: a surrogate pair"
        );
        let many: Vec<(u16, char)> = (1..=150u16).map(|i| (i, 'a')).collect();
        let cmap = to_unicode(&many);
        assert!(cmap.contains("100 beginbfchar") && cmap.contains("50 beginbfchar"));
    }
}
