//! The two faces every document uses, parsed once per process.
//!
//! Liberation Sans 2.1 (SIL OFL 1.1, see `fonts/LICENSE.txt`), compiled into the binary so
//! it works from any folder. Widths for layout come from `hmtx` via ttf-parser, rounded
//! down to 1/1000 em exactly as `embed` writes them into the PDF's `/W` array, so the
//! positions we compute are the positions a viewer draws.

use std::sync::OnceLock;

static REGULAR_TTF: &[u8] = include_bytes!("../../fonts/LiberationSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../fonts/LiberationSans-Bold.ttf");

/// Characters below this code point have their width precomputed in a table.
const TABLE: usize = 0x2100;

pub struct Face {
    /// Advance widths in 1/1000 em for `char`s below [`TABLE`] (`u16::MAX`: not in the font).
    widths: Vec<u16>,
    face: ttf_parser::Face<'static>,
    upm: f32,
    missing: u16,
    /// Ascent and descent (positive), in em.
    pub ascent: f32,
    pub descent: f32,
    /// The font program, for subsetting into each document.
    pub bytes: &'static [u8],
    /// What a PDF's font descriptor says of the face.
    pub descriptor: Descriptor,
}

/// The face's entries of a PDF `/FontDescriptor` (ISO 32000-1, 9.8), in 1/1000 em, computed
/// once from the font's own tables.
pub struct Descriptor {
    /// PostScript name (`name` table, id 6), e.g. `LiberationSans-Bold`.
    pub ps_name: String,
    pub ascent: i64,
    pub descent: i64,
    pub cap_height: i64,
    pub italic_angle: i64,
    pub flags: i64,
    pub stem_v: i64,
    pub bbox: [i64; 4],
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| Fonts {
            regular: Face::load(REGULAR_TTF),
            bold: Face::load(BOLD_TTF),
        })
    }

    pub fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        // The fonts are compiled in: failing to parse them is a build defect, not input.
        let face = ttf_parser::Face::parse(bytes, 0).expect("bundled font parses");
        let upm = face.units_per_em() as f32;
        let per_mille = |gid: ttf_parser::GlyphId| -> u16 {
            let adv = face.glyph_hor_advance(gid).unwrap_or(0) as f32;
            (adv * 1000.0 / upm) as u16
        };
        let missing = per_mille(ttf_parser::GlyphId(0));
        // From the Unicode subtables' own code points, in the order `glyph_index` tries
        // them (the first that maps a code point wins): 2 × 2,048 `glyph_index` look-ups
        // were 7 % of one `assess`'s CPU.
        let mut widths = vec![u16::MAX; TABLE];
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    let i = cp as usize;
                    if i < TABLE && widths[i] == u16::MAX {
                        if let Some(g) = sub.glyph_index(cp) {
                            widths[i] = per_mille(g);
                        }
                    }
                });
            }
        }
        let descriptor = Descriptor::of(&face);
        Face {
            widths,
            upm,
            missing,
            ascent: face.ascender() as f32 / upm,
            descent: -(face.descender() as f32) / upm,
            face,
            bytes,
            descriptor,
        }
    }

    /// The glyph that draws `c` (0, `.notdef`, when the font lacks it; layout has already
    /// replaced such characters).
    pub fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance width of glyph `gid` in 1/1000 em, rounded down as [`Face::advance`] is.
    pub fn glyph_advance(&self, gid: u16) -> u16 {
        let adv = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0) as f32;
        (adv * 1000.0 / self.upm) as u16
    }

    /// Advance width of `c` in 1/1000 em (the `.notdef` width when the font lacks it).
    pub fn advance(&self, c: char) -> u16 {
        let cp = c as usize;
        if cp < TABLE {
            let w = self.widths[cp];
            return if w == u16::MAX { self.missing } else { w };
        }
        match self.face.glyph_index(c) {
            Some(g) => {
                let adv = self.face.glyph_hor_advance(g).unwrap_or(0) as f32;
                (adv * 1000.0 / self.upm) as u16
            }
            None => self.missing,
        }
    }

    /// Whether the font has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        let cp = c as usize;
        if cp < TABLE {
            self.widths[cp] != u16::MAX
        } else {
            self.face.glyph_index(c).is_some()
        }
    }

    /// Width of `s` at `size` points.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| self.advance(c) as u32).sum();
        units as f32 * size / 1000.0
    }
}

impl Descriptor {
    /// The same figures printpdf 0.12 wrote (its formulas for StemV and the flags), so a
    /// record's fonts read the same to a viewer after the writer changed.
    fn of(face: &ttf_parser::Face) -> Descriptor {
        let upm = face.units_per_em() as f32;
        let scale = |v: i16| (v as f32 * 1000.0 / upm).round() as i64;
        let ps_name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "LiberationSans".into());
        let italic_angle = face.italic_angle().round() as i64;
        // ISO 32000-1 Table 123: bit 6 nonsymbolic, bit 7 italic.
        let flags = (1 << 5) | if italic_angle != 0 { 1 << 6 } else { 0 };
        let weight = face.weight().to_number() as f32;
        let bb = face.global_bounding_box();
        Descriptor {
            ps_name,
            ascent: scale(face.ascender()),
            descent: scale(face.descender()),
            cap_height: face
                .capital_height()
                .map_or_else(|| scale(face.ascender()), scale),
            italic_angle,
            flags,
            stem_v: 50 + (weight / 65.0).powi(2).round() as i64,
            bbox: [
                scale(bb.x_min),
                scale(bb.y_min),
                scale(bb.x_max),
                scale(bb.y_max),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The width table read from the subtables' code points is what a `glyph_index`
    /// look-up of every code point gives.
    #[test]
    fn width_table_matches_a_lookup_of_every_code_point() {
        for f in [&Fonts::get().regular, &Fonts::get().bold] {
            for cp in 0..TABLE as u32 {
                let Some(c) = char::from_u32(cp) else {
                    continue;
                };
                let want = f
                    .face
                    .glyph_index(c)
                    .map_or(u16::MAX, |g| f.glyph_advance(g.0));
                assert_eq!(f.widths[cp as usize], want, "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn swedish_glyphs_present_and_bold_is_wider() {
        let f = Fonts::get();
        for c in "åäöÅÄÖ§–“”•…éü".chars() {
            assert!(f.regular.has(c), "regular lacks {c}");
            assert!(f.bold.has(c), "bold lacks {c}");
        }
        // Liberation Sans is metric-compatible with Arial: 'a' is 556/1000 em.
        assert_eq!(f.regular.advance('a'), 556);
        assert!(
            f.bold.width("personuppgiftsansvarig", 10.0)
                > f.regular.width("personuppgiftsansvarig", 10.0)
        );
        assert!((f.regular.width("aa", 10.0) - 11.12).abs() < 0.001);
    }
}
