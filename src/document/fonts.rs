//! The two faces every document uses, parsed once per process.
//!
//! Liberation Sans 2.1 (SIL OFL 1.1, see `fonts/LICENSE.txt`), compiled into the binary so
//! it works from any folder. Widths for layout come from `hmtx` via ttf-parser, rounded
//! down to 1/1000 em exactly as printpdf writes them into the PDF's `/W` array, so the
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
    /// printpdf's parsed face, handed to every document (cheap to clone: shared bytes).
    pub pdf: printpdf::ParsedFont,
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
        let widths = (0..TABLE as u32)
            .map(|cp| {
                char::from_u32(cp)
                    .and_then(|c| face.glyph_index(c))
                    .map_or(u16::MAX, per_mille)
            })
            .collect();
        let pdf = printpdf::ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .expect("bundled font parses");
        Face {
            widths,
            upm,
            missing,
            ascent: face.ascender() as f32 / upm,
            descent: -(face.descender() as f32) / upm,
            face,
            pdf,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
