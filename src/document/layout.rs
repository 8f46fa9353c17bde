//! Blocks → positioned text and rectangles on A4 pages.
//!
//! Coordinates here are in points from the page's top-left corner (y grows downwards);
//! text items are placed by their baseline. The PDF writer flips y.

use super::fonts::{Face, Fonts};
use super::markup::{Block, Inline, Span};

pub const PAGE_W: f32 = 595.276; // 210 mm
pub const PAGE_H: f32 = 841.89; // 297 mm
const MARGIN_X: f32 = 70.866; // 25 mm
const TOP: f32 = 62.36; // 22 mm
/// Lowest point body content may reach.
const BOTTOM: f32 = PAGE_H - 70.866; // 25 mm
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;

pub type Rgb = [f32; 3];
const INK: Rgb = [0.07, 0.07, 0.07];
const ACCENT: Rgb = [0.09, 0.22, 0.40];
const GREY_TEXT: Rgb = [0.33, 0.33, 0.33];
const RULE: Rgb = [0.62, 0.64, 0.67];
const HEAD_FILL: Rgb = [0.87, 0.90, 0.94];
const LABEL_FILL: Rgb = [0.95, 0.96, 0.97];
const NOTE_FILL: Rgb = [1.0, 0.965, 0.86];
const NOTE_BAR: Rgb = [0.86, 0.58, 0.10];
const DECISION_FILL: Rgb = [0.91, 0.94, 0.98];

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `text` starting at `x` on the baseline `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    /// A filled rectangle with its top-left corner at (`x`, `y`).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
}

/// Text sizes.
#[derive(Debug, Clone, Copy)]
struct Font {
    size: f32,
    leading: f32,
}

const BODY: Font = Font {
    size: 10.0,
    leading: 14.0,
};
const TABLE: Font = Font {
    size: 9.0,
    leading: 12.0,
};
const TITLE: Font = Font {
    size: 18.0,
    leading: 23.0,
};
const H2: Font = Font {
    size: 13.0,
    leading: 17.0,
};
const H3: Font = Font {
    size: 11.0,
    leading: 15.0,
};
const FOOTER: Font = Font {
    size: 8.0,
    leading: 10.0,
};

// ---------------------------------------------------------------------------------------
// Wrapping

/// A run of one weight within a line, `x` from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub text: String,
    pub bold: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
}

/// The words of some spans: their text in one string, each word's fragments (runs of one
/// weight) as ranges into it, each fragment measured once. One string and two vectors a
/// paragraph, not a `String` and a `Vec` a word: the allocator and the second measuring of
/// every fragment were a fifth of the layout's CPU (perf, 3 December 2026).
struct Words {
    text: String,
    frags: Vec<Frag>,
    words: Vec<Word>,
}

/// A run of one weight inside a word: `text[start..end]`, `width` points wide.
struct Frag {
    start: usize,
    end: usize,
    bold: bool,
    width: f32,
}

/// A word: fragments (`frags[range]`) with no break opportunity inside.
struct Word {
    frags: std::ops::Range<usize>,
    width: f32,
}

impl Words {
    fn frags(&self, word: &Word) -> &[Frag] {
        &self.frags[word.frags.clone()]
    }
    fn text(&self, f: &Frag) -> &str {
        &self.text[f.start..f.end]
    }
}

/// Splits spans into words at (collapsed) white space. Non-breaking spaces stay inside words.
fn words(spans: &[Span], size: f32, fonts: &Fonts) -> Words {
    let mut w = Words {
        text: String::with_capacity(spans.iter().map(|s| s.text.len()).sum()),
        frags: Vec::new(),
        words: Vec::new(),
    };
    let (mut word_start, mut word_width) = (0usize, 0.0f32);
    for span in spans {
        let face = fonts.face(span.bold);
        let (mut frag_start, mut units) = (w.text.len(), 0u32);
        let end_frag = |w: &mut Words, frag_start: usize, units: u32, word_width: &mut f32| {
            if w.text.len() > frag_start {
                let width = units as f32 * size / 1000.0;
                *word_width += width;
                w.frags.push(Frag {
                    start: frag_start,
                    end: w.text.len(),
                    bold: span.bold,
                    width,
                });
            }
        };
        for c in span.text.chars() {
            let Some(c) = clean(c, face) else { continue };
            if c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}') {
                end_frag(&mut w, frag_start, units, &mut word_width);
                if w.frags.len() > word_start {
                    w.words.push(Word {
                        frags: word_start..w.frags.len(),
                        width: word_width,
                    });
                    (word_start, word_width) = (w.frags.len(), 0.0);
                }
                (frag_start, units) = (w.text.len(), 0);
            } else {
                w.text.push(c);
                units += face.advance(c) as u32;
            }
        }
        end_frag(&mut w, frag_start, units, &mut word_width);
    }
    if w.frags.len() > word_start {
        w.words.push(Word {
            frags: word_start..w.frags.len(),
            width: word_width,
        });
    }
    w
}

/// Normalises a character for setting: white-space controls become spaces, other controls
/// are dropped, and a character the font lacks becomes `?` (rather than an invisible,
/// unextractable `.notdef`).
fn clean(c: char, face: &Face) -> Option<char> {
    match c {
        '\t' | '\r' | '\n' => Some(' '),
        c if c.is_control() => None,
        '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => None,
        '\u{202f}' | '\u{2007}' if !face.has(c) => Some('\u{a0}'),
        c if !face.has(c) => Some(if c.is_whitespace() { ' ' } else { '?' }),
        c => Some(c),
    }
}

/// Greedy line filling by measured advance widths. A word wider than `max` is broken
/// between characters. Always returns at least one line.
pub fn wrap(spans: &[Span], max: f32, size: f32) -> Vec<Line> {
    wrap_words(&words(spans, size, Fonts::get()), max, size)
}

/// [`wrap`] of words already split.
fn wrap_words(ws: &Words, max: f32, size: f32) -> Vec<Line> {
    let fonts = Fonts::get();
    let max = max + 0.01; // rounding slack
    let mut lines = Vec::new();
    let mut line = LineBuilder::default();
    for word in &ws.words {
        if !line.is_empty() {
            let bold = line.last_bold();
            let space = fonts.face(bold).width(" ", size);
            if line.width + space + word.width <= max {
                line.push(" ", bold, space);
                line.push_word(ws, word);
                continue;
            }
            lines.push(std::mem::take(&mut line).finish());
        }
        if word.width <= max {
            line.push_word(ws, word);
            continue;
        }
        // An over-long word (a URL, an identifier): break it between characters.
        for f in ws.frags(word) {
            let face = fonts.face(f.bold);
            for c in ws.text(f).chars() {
                let w = face.advance(c) as f32 * size / 1000.0;
                if !line.is_empty() && line.width + w > max {
                    lines.push(std::mem::take(&mut line).finish());
                }
                let mut buf = [0u8; 4];
                line.push(c.encode_utf8(&mut buf), f.bold, w);
            }
        }
    }
    lines.push(line.finish());
    lines
}

#[derive(Default)]
struct LineBuilder {
    runs: Vec<Run>,
    width: f32,
}

impl LineBuilder {
    fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
    fn last_bold(&self) -> bool {
        self.runs.last().is_some_and(|r| r.bold)
    }
    fn push(&mut self, text: &str, bold: bool, width: f32) {
        match self.runs.last_mut() {
            Some(r) if r.bold == bold => r.text.push_str(text),
            _ => self.runs.push(Run {
                x: self.width,
                text: text.to_string(),
                bold,
            }),
        }
        self.width += width;
    }
    fn push_word(&mut self, ws: &Words, word: &Word) {
        for f in ws.frags(word) {
            self.push(ws.text(f), f.bold, f.width);
        }
    }
    /// Spaces are only pushed between words, so a line never ends in one.
    fn finish(self) -> Line {
        Line {
            runs: self.runs,
            width: self.width,
        }
    }
}

fn plain_spans(text: &str, bold: bool) -> Inline {
    vec![Span {
        text: text.to_string(),
        bold,
    }]
}

// ---------------------------------------------------------------------------------------
// Page assembly

struct Writer {
    pages: Vec<Page>,
    y: f32,
    /// Space owed before the next content (dropped at the top of a page).
    gap: f32,
}

impl Writer {
    fn new() -> Self {
        Writer {
            pages: vec![Page::default()],
            y: TOP,
            gap: 0.0,
        }
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("at least one page")
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + 0.01
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
        self.gap = 0.0;
    }

    fn gap(&mut self, g: f32) {
        self.gap = self.gap.max(g);
    }

    /// Applies the owed gap; if `need` (after the gap) does not fit, starts a new page.
    fn reserve(&mut self, need: f32) {
        if !self.at_top() {
            if self.y + self.gap + need > BOTTOM + 0.01 {
                self.new_page();
            } else {
                self.y += self.gap;
            }
        }
        self.gap = 0.0;
    }

    fn room(&self) -> f32 {
        BOTTOM - self.y
    }

    fn text_line(&mut self, line: &Line, x: f32, font: Font, color: Rgb) {
        let fonts = Fonts::get();
        let face = fonts.face(false);
        let base = baseline(face, font);
        let y = self.y + base;
        for r in &line.runs {
            self.page().items.push(Item::Text {
                x: x + r.x,
                y,
                size: font.size,
                bold: r.bold,
                color,
                text: r.text.clone(),
            });
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.page().items.push(Item::Rect { x, y, w, h, color });
    }
}

/// Baseline offset from the top of a line box: the glyph box (ascent + descent) centred
/// in the leading.
fn baseline(face: &Face, font: Font) -> f32 {
    let glyph_h = (face.ascent + face.descent) * font.size;
    (font.leading - glyph_h) / 2.0 + face.ascent * font.size
}

/// Lays out blocks onto pages (without footers).
pub fn layout(blocks: &[Block]) -> Vec<Page> {
    let mut w = Writer::new();
    let prepared: Vec<Prepared> = blocks.iter().map(prepare).collect();
    // What each block must keep with it, computed from the end: a heading keeps the start
    // of what follows, and a heading followed by a heading keeps both with the text after
    // them, so no heading ends a page. The last block, when short (the closing sentence),
    // is kept with the block before it, so no page carries it alone.
    let n = prepared.len();
    let closing = prepared.last().map_or(0.0, |p| match p {
        Prepared::Paragraph(_) | Prepared::Note(_) if p.whole() <= 4.0 * BODY.leading + 20.0 => {
            p.gap() + p.whole()
        }
        _ => 0.0,
    });
    let mut leads = vec![0.0f32; n + 1];
    for i in (0..n).rev() {
        let p = &prepared[i];
        leads[i] = p.lead()
            + match p {
                Prepared::Heading(..) | Prepared::Tagged(..) => leads[i + 1],
                Prepared::Grid(_) if i + 2 == n => closing,
                _ => 0.0,
            };
    }
    for (i, p) in prepared.iter().enumerate() {
        // A heading keeps what follows; a short table keeps only the closing sentence (it
        // must reserve no more than what the heading before it reserved for it).
        let next_lead = match p {
            Prepared::Grid(_) if i + 2 == n => closing,
            Prepared::Grid(_) => 0.0,
            _ => leads[i + 1],
        };
        place(&mut w, p, next_lead);
    }
    if w.pages.len() > 1 && w.pages.last().is_some_and(|p| p.items.is_empty()) {
        w.pages.pop(); // a trailing page break
    }
    w.pages
}

/// Adds "Sida N av M" and the document title to every page.
pub fn add_footers(pages: &mut [Page], title: &str, lang_en: bool) {
    let fonts = Fonts::get();
    let face = fonts.face(false);
    let total = pages.len();
    let rule_y = PAGE_H - 48.0;
    let base_y = PAGE_H - 36.0;
    for (i, page) in pages.iter_mut().enumerate() {
        let label = if lang_en {
            format!("Page {} of {}", i + 1, total)
        } else {
            format!("Sida {} av {}", i + 1, total)
        };
        let label_w = face.width(&label, FOOTER.size);
        let title = truncate(title, WIDTH - label_w - 24.0, FOOTER.size, face);
        page.items.push(Item::Rect {
            x: MARGIN_X,
            y: rule_y,
            w: WIDTH,
            h: 0.5,
            color: RULE,
        });
        if !title.is_empty() {
            page.items.push(Item::Text {
                x: MARGIN_X,
                y: base_y,
                size: FOOTER.size,
                bold: false,
                color: GREY_TEXT,
                text: title,
            });
        }
        page.items.push(Item::Text {
            x: MARGIN_X + WIDTH - label_w,
            y: base_y,
            size: FOOTER.size,
            bold: false,
            color: GREY_TEXT,
            text: label,
        });
    }
}

/// `text` (white space collapsed) cut with "…" to fit `max`.
fn truncate(text: &str, max: f32, size: f32, face: &Face) -> String {
    let text: String = text.chars().filter_map(|c| clean(c, face)).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if face.width(&text, size) <= max {
        return text;
    }
    let ell = face.width("…", size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = face.advance(c) as f32 * size / 1000.0;
        if w + cw + ell > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    format!("{}…", out.trim_end())
}

// ---------------------------------------------------------------------------------------
// Blocks, measured

enum Prepared {
    Title(Vec<Line>),
    Heading(Vec<Line>, Font),
    Paragraph(Vec<Line>),
    List(Vec<Vec<Line>>),
    Grid(Grid),
    Note(Vec<Vec<Line>>),
    /// A heading with a small tag at the right margin.
    Tagged(Vec<Line>, Line),
    Decision(Vec<Vec<Line>>),
    PageBreak,
    /// Label lines, value text and value of each bar.
    Bars(Vec<(Vec<Line>, String, u64)>),
}

/// A table or key–value block at most this tall is kept whole on one page.
const SHORT_GRID: f32 = 220.0;

const LIST_INDENT: f32 = 16.0;
const NOTE_PAD: f32 = 8.0;
const NOTE_BAR_W: f32 = 3.0;
const NOTE_PARA_GAP: f32 = 5.0;
const CELL_PAD_X: f32 = 5.0;
const DECISION_BAR_W: f32 = 1.5;
const CELL_PAD_Y: f32 = 3.5;

fn prepare(b: &Block) -> Prepared {
    match b {
        Block::Title(t) => Prepared::Title(wrap(&plain_spans(t, true), WIDTH, TITLE.size)),
        Block::Heading(t) => Prepared::Heading(wrap(&plain_spans(t, true), WIDTH, H2.size), H2),
        Block::Subheading(t) => Prepared::Heading(wrap(&plain_spans(t, true), WIDTH, H3.size), H3),
        Block::TaggedSubheading(t, tag) => {
            let tag_line = wrap(&plain_spans(tag, false), WIDTH / 3.0, FOOTER.size)
                .into_iter()
                .next()
                .unwrap_or_default();
            let room = WIDTH - tag_line.width - 12.0;
            Prepared::Tagged(wrap(&plain_spans(t, true), room, H3.size), tag_line)
        }
        Block::Decision(paras) => {
            let inner = WIDTH - 2.0 * DECISION_BAR_W - 2.0 * NOTE_PAD;
            Prepared::Decision(paras.iter().map(|p| wrap(p, inner, BODY.size)).collect())
        }
        Block::Paragraph(s) => Prepared::Paragraph(wrap(s, WIDTH, BODY.size)),
        Block::List(items) => Prepared::List(
            items
                .iter()
                .map(|i| wrap(i, WIDTH - LIST_INDENT, BODY.size))
                .collect(),
        ),
        Block::Table { header, rows } => Prepared::Grid(Grid::table(header, rows)),
        Block::KeyValues(kv) => Prepared::Grid(Grid::key_values(kv)),
        Block::Note(paras) => {
            let inner = WIDTH - NOTE_BAR_W - 2.0 * NOTE_PAD;
            Prepared::Note(paras.iter().map(|p| wrap(p, inner, BODY.size)).collect())
        }
        Block::PageBreak => Prepared::PageBreak,
        Block::Bars(bars) => Prepared::Bars(
            bars.iter()
                .map(|(l, n)| {
                    (
                        wrap(&plain_spans(l, false), BAR_LABEL_W - CELL_PAD_X, TABLE.size),
                        n.to_string(),
                        *n,
                    )
                })
                .collect(),
        ),
    }
}

impl Prepared {
    /// Space before the block (collapsed with the space after the previous one).
    fn gap(&self) -> f32 {
        match self {
            Prepared::Title(_) => 6.0,
            Prepared::Heading(_, f) if f.size > H3.size => 16.0,
            Prepared::Heading(..) | Prepared::Tagged(..) => 11.0,
            Prepared::Decision(_) => 4.0,
            Prepared::Paragraph(_) | Prepared::List(_) => 6.0,
            Prepared::Grid(g) if g.kv => 4.0,
            Prepared::Grid(_) => 8.0,
            Prepared::Note(_) => 10.0,
            Prepared::PageBreak => 0.0,
            Prepared::Bars(_) => 8.0,
        }
    }

    /// Height the block's first part needs on a page: less than that left, it starts on
    /// the next page. The same figure keeps a heading together with the block after it.
    fn first_need(&self) -> f32 {
        match self {
            Prepared::Title(l) => l.len() as f32 * TITLE.leading,
            Prepared::Heading(l, f) => l.len() as f32 * f.leading,
            Prepared::Tagged(l, _) => l.len() as f32 * H3.leading,
            Prepared::Decision(p) => note_first_need(p),
            Prepared::Paragraph(l) => l.len().min(2) as f32 * BODY.leading,
            Prepared::List(items) => {
                items.first().map_or(0, |i| i.len().min(2)) as f32 * BODY.leading
            }
            Prepared::Grid(g) => g.first_need(),
            Prepared::Note(p) => note_first_need(p),
            Prepared::PageBreak => 0.0,
            Prepared::Bars(b) => b.first().map_or(0.0, |(l, ..)| bar_row_h(l)),
        }
    }

    /// What a heading placed before this block must keep with it.
    fn lead(&self) -> f32 {
        match self {
            Prepared::Grid(g) if g.whole_height() <= SHORT_GRID => self.gap() + g.whole_height(),
            _ => self.gap() + self.first_need(),
        }
    }

    /// The whole height of a block that is kept together (or its first need otherwise).
    fn whole(&self) -> f32 {
        match self {
            Prepared::Paragraph(l) => l.len() as f32 * BODY.leading,
            _ => self.first_need(),
        }
    }
}

fn place(w: &mut Writer, p: &Prepared, next_lead: f32) {
    match p {
        Prepared::PageBreak => {
            if !w.at_top() {
                w.new_page();
            }
        }
        Prepared::Title(lines) => {
            w.gap(p.gap());
            let h = lines.len() as f32 * TITLE.leading;
            w.reserve(h + 4.0 + next_lead);
            for l in lines {
                w.text_line(l, MARGIN_X, TITLE, INK);
                w.y += TITLE.leading;
            }
            w.y += 4.0;
            let y = w.y;
            w.rect(MARGIN_X, y, WIDTH, 1.2, ACCENT);
            w.y += 1.2;
            w.gap(12.0);
        }
        Prepared::Tagged(lines, tag) => {
            w.gap(p.gap());
            let h = lines.len() as f32 * H3.leading;
            w.reserve(h + 3.0 + next_lead);
            let top = w.y;
            for l in lines {
                w.text_line(l, MARGIN_X, H3, ACCENT);
                w.y += H3.leading;
            }
            let after = w.y;
            // The tag sits at the right margin on the first line's baseline.
            w.y = top + (H3.leading - FOOTER.leading) / 2.0 + 1.0;
            w.text_line(tag, MARGIN_X + WIDTH - tag.width, FOOTER, GREY_TEXT);
            w.y = after;
            w.gap(3.0);
        }
        Prepared::Decision(paras) => {
            w.gap(p.gap());
            place_box(w, paras, DECISION_FILL, ACCENT, DECISION_BAR_W, true);
            w.gap(12.0);
        }
        Prepared::Heading(lines, font) => {
            let after = if font.size > H3.size { 5.0 } else { 3.0 };
            w.gap(p.gap());
            let h = lines.len() as f32 * font.leading;
            w.reserve(h + after + next_lead);
            for l in lines {
                w.text_line(l, MARGIN_X, *font, ACCENT);
                w.y += font.leading;
            }
            w.gap(after);
        }
        Prepared::Paragraph(lines) => {
            w.gap(p.gap());
            place_lines(w, lines, MARGIN_X, None);
        }
        Prepared::List(items) => {
            w.gap(p.gap());
            let bullet_x = MARGIN_X + 5.0;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.gap(3.0);
                }
                place_lines(w, item, MARGIN_X + LIST_INDENT, Some(bullet_x));
            }
        }
        Prepared::Grid(g) => {
            w.gap(p.gap());
            // A short table (a signature block, a summary) is kept whole, with the closing
            // sentence when that is what follows it.
            let whole = g.whole_height();
            if whole <= SHORT_GRID {
                w.reserve(whole + next_lead);
            }
            g.place(w);
            w.gap(8.0);
        }
        Prepared::Note(paras) => {
            w.gap(p.gap());
            place_note(w, paras);
            w.gap(10.0);
        }
        Prepared::Bars(bars) => {
            w.gap(p.gap());
            place_bars(w, bars);
            w.gap(8.0);
        }
    }
}

const BAR_LABEL_W: f32 = 170.0;
const BAR_NUMBER_W: f32 = 40.0;
const BAR_FILL: Rgb = [0.23, 0.42, 0.66];
const BAR_TRACK: Rgb = [0.93, 0.94, 0.96];

fn bar_row_h(label: &[Line]) -> f32 {
    label.len().max(1) as f32 * TABLE.leading + 2.0 * CELL_PAD_Y
}

/// A horizontal bar chart: label, a bar on a light track scaled to the largest value, and
/// the number. Rows break between pages like table rows.
fn place_bars(w: &mut Writer, bars: &[(Vec<Line>, String, u64)]) {
    let max = bars.iter().map(|(_, _, n)| *n).max().unwrap_or(0).max(1) as f32;
    let track_x = MARGIN_X + BAR_LABEL_W;
    let track_w = WIDTH - BAR_LABEL_W - BAR_NUMBER_W;
    for (label, text, n) in bars {
        let h = bar_row_h(label);
        w.reserve(h);
        let top = w.y;
        let mut y = top + CELL_PAD_Y;
        for l in label {
            let saved = w.y;
            w.y = y;
            w.text_line(l, MARGIN_X, TABLE, INK);
            w.y = saved;
            y += TABLE.leading;
        }
        let bar_h = TABLE.leading - 2.0;
        let bar_y = top + CELL_PAD_Y + 1.0;
        w.rect(track_x, bar_y, track_w, bar_h, BAR_TRACK);
        let len = track_w * (*n as f32) / max;
        if len > 0.0 {
            w.rect(track_x, bar_y, len, bar_h, BAR_FILL);
        }
        let num = wrap(&plain_spans(text, true), BAR_NUMBER_W, TABLE.size);
        if let Some(line) = num.first() {
            let saved = w.y;
            w.y = top + CELL_PAD_Y;
            w.text_line(line, track_x + track_w + CELL_PAD_X, TABLE, INK);
            w.y = saved;
        }
        w.y = top + h;
    }
}

/// Places lines, breaking pages between lines (never leaving a single first line alone
/// at the foot of a page when more follow). `bullet`: where to draw a bullet beside the
/// first line.
fn place_lines(w: &mut Writer, lines: &[Line], x: f32, bullet: Option<f32>) {
    let first = if lines.len() > 1 { 2.0 } else { 1.0 };
    w.reserve(first * BODY.leading);
    if let Some(bx) = bullet {
        let dot = Line {
            runs: vec![Run {
                x: 0.0,
                text: "•".into(),
                bold: false,
            }],
            width: 0.0,
        };
        w.text_line(&dot, bx, BODY, INK);
    }
    for l in lines {
        if w.room() < BODY.leading - 0.01 {
            w.new_page();
        }
        w.text_line(l, x, BODY, INK);
        w.y += BODY.leading;
    }
}

/// A note box stays whole when it fits on a page; a longer one needs two lines to start.
fn note_first_need(paras: &[Vec<Line>]) -> f32 {
    let lines: usize = paras.iter().map(Vec::len).sum();
    let gaps = paras.len().saturating_sub(1) as f32 * NOTE_PARA_GAP;
    let total = 2.0 * NOTE_PAD + lines as f32 * BODY.leading + gaps;
    if total <= BOTTOM - TOP {
        total
    } else {
        2.0 * NOTE_PAD + 2.0 * BODY.leading
    }
}

fn place_note(w: &mut Writer, paras: &[Vec<Line>]) {
    place_box(w, paras, NOTE_FILL, NOTE_BAR, NOTE_BAR_W, false);
}

/// A shaded box of paragraphs: a note (bar at the left) or the decision box (framed, first
/// paragraph in bold colour).
fn place_box(w: &mut Writer, paras: &[Vec<Line>], fill: Rgb, bar: Rgb, bar_w: f32, framed: bool) {
    // Flatten to (line, extra gap before it).
    let mut lines: Vec<(&Line, f32)> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        for (j, l) in p.iter().enumerate() {
            let gap = if i > 0 && j == 0 { NOTE_PARA_GAP } else { 0.0 };
            lines.push((l, gap));
        }
    }
    w.reserve(note_first_need(paras));
    let text_x = MARGIN_X + bar_w + NOTE_PAD;
    let mut i = 0;
    while i < lines.len() {
        // Take as many lines as fit on this page.
        let top = w.y;
        let mut h = NOTE_PAD;
        let mut j = i;
        while j < lines.len() {
            let g = if j == i { 0.0 } else { lines[j].1 };
            if top + h + g + BODY.leading + NOTE_PAD > BOTTOM + 0.01 && j > i {
                break;
            }
            h += g + BODY.leading;
            j += 1;
        }
        h += NOTE_PAD;
        w.rect(MARGIN_X, top, WIDTH, h, fill);
        w.rect(MARGIN_X, top, bar_w, h, bar);
        if framed {
            w.rect(MARGIN_X + WIDTH - bar_w, top, bar_w, h, bar);
            w.rect(MARGIN_X, top, WIDTH, bar_w, bar);
            w.rect(MARGIN_X, top + h - bar_w, WIDTH, bar_w, bar);
        }
        w.y = top + NOTE_PAD;
        for (k, (l, g)) in lines[i..j].iter().enumerate() {
            if k > 0 {
                w.y += g;
            }
            let first_para = framed && i + k < paras.first().map_or(0, Vec::len);
            w.text_line(l, text_x, BODY, if first_para { ACCENT } else { INK });
            w.y += BODY.leading;
        }
        w.y = top + h;
        i = j;
        if i < lines.len() {
            w.new_page();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tables and key–value blocks

struct Grid {
    /// Key–value style (label column shaded, no header) instead of a table.
    kv: bool,
    cols: Vec<f32>,
    header: Option<Vec<Vec<Line>>>,
    rows: Vec<Vec<Vec<Line>>>,
}

impl Grid {
    fn table(header: &[Inline], rows: &[Vec<Inline>]) -> Grid {
        let fonts = Fonts::get();
        let n = header.len().max(1);
        let size = TABLE.size;
        // Min: the widest word (capped); max: the widest unwrapped cell.
        let mut min = vec![0.0f32; n];
        let mut max = vec![0.0f32; n];
        let cell_widths = |cell: &Inline, header: bool| -> (f32, f32) {
            let spans: Vec<Span> = cell
                .iter()
                .map(|s| Span {
                    text: s.text.clone(),
                    bold: s.bold || header,
                })
                .collect();
            let ws = words(&spans, size, fonts);
            let widest = ws.words.iter().map(|w| w.width).fold(0.0, f32::max);
            let line = wrap_words(&ws, f32::INFINITY, size);
            (widest, line.iter().map(|l| l.width).fold(0.0, f32::max))
        };
        for (c, cell) in header.iter().enumerate() {
            let (a, b) = cell_widths(cell, true);
            min[c] = min[c].max(a);
            max[c] = max[c].max(b);
        }
        for row in rows {
            for (c, cell) in row.iter().enumerate().take(n) {
                let (a, b) = cell_widths(cell, false);
                min[c] = min[c].max(a);
                max[c] = max[c].max(b);
            }
        }
        let pad = 2.0 * CELL_PAD_X;
        let floor = 28.0f32.min(WIDTH / n as f32 - pad);
        let cap = WIDTH * 0.35;
        let min: Vec<f32> = min.iter().map(|m| m.clamp(floor, cap) + pad).collect();
        let max: Vec<f32> = max
            .iter()
            .zip(&min)
            .map(|(m, lo)| (m + pad).max(*lo))
            .collect();
        let cols = distribute(&min, &max, WIDTH);

        let wrap_cell = |cell: &Inline, c: usize, header: bool| -> Vec<Line> {
            let spans: Vec<Span> = cell
                .iter()
                .map(|s| Span {
                    text: s.text.clone(),
                    bold: s.bold || header,
                })
                .collect();
            wrap(&spans, cols[c] - pad, size)
        };
        let header = header
            .iter()
            .enumerate()
            .map(|(c, cell)| wrap_cell(cell, c, true))
            .collect();
        let rows = rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .take(n)
                    .map(|(c, cell)| wrap_cell(cell, c, false))
                    .collect()
            })
            .collect();
        Grid {
            kv: false,
            cols,
            header: Some(header),
            rows,
        }
    }

    fn key_values(kv: &[(String, Inline)]) -> Grid {
        let fonts = Fonts::get();
        let pad = 2.0 * CELL_PAD_X;
        let widest = kv
            .iter()
            .map(|(k, _)| fonts.bold.width(k, BODY.size))
            .fold(0.0, f32::max);
        let label_w = (widest + pad + 8.0).clamp(90.0, WIDTH * 0.36);
        let cols = vec![label_w, WIDTH - label_w];
        let rows = kv
            .iter()
            .map(|(k, v)| {
                vec![
                    wrap(&plain_spans(k, true), label_w - pad, BODY.size),
                    wrap(v, cols[1] - pad, BODY.size),
                ]
            })
            .collect();
        Grid {
            kv: true,
            cols,
            header: None,
            rows,
        }
    }

    fn font(&self) -> Font {
        if self.kv {
            BODY
        } else {
            TABLE
        }
    }

    fn row_height(&self, row: &[Vec<Line>]) -> f32 {
        let lines = row.iter().map(Vec::len).max().unwrap_or(1).max(1);
        lines as f32 * self.font().leading + 2.0 * CELL_PAD_Y
    }

    /// Header and every row.
    fn whole_height(&self) -> f32 {
        self.header.as_ref().map_or(0.0, |h| self.row_height(h))
            + self.rows.iter().map(|r| self.row_height(r)).sum::<f32>()
    }

    /// The header and the first row; a first row taller than a page (which will be split)
    /// needs two of its lines.
    fn first_need(&self) -> f32 {
        let header_h = self.header.as_ref().map_or(0.0, |h| self.row_height(h));
        let first = self.rows.first().map_or(0.0, |r| self.row_height(r));
        if header_h + first <= BOTTOM - TOP {
            header_h + first
        } else {
            header_h + 2.0 * self.font().leading + 2.0 * CELL_PAD_Y
        }
    }

    fn place(&self, w: &mut Writer) {
        let header_h = self.header.as_ref().map_or(0.0, |h| self.row_height(h));
        let page_body = BOTTOM - TOP;
        w.reserve(self.first_need());
        let mut seg_top = w.y;
        if let Some(h) = &self.header {
            self.draw_row(w, h, 0, usize::MAX, true);
        }
        for row in &self.rows {
            let lines = row.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let mut from = 0;
            while from < lines {
                let rest_h = (lines - from) as f32 * self.font().leading + 2.0 * CELL_PAD_Y;
                let fits = w.y + rest_h <= BOTTOM + 0.01;
                let whole_fits_fresh = header_h + rest_h <= page_body;
                if fits {
                    self.draw_row(w, row, from, lines, false);
                    from = lines;
                    continue;
                }
                let can = ((BOTTOM - w.y - 2.0 * CELL_PAD_Y) / self.font().leading).floor();
                if whole_fits_fresh || can < 2.0 {
                    self.close_segment(w, seg_top);
                    w.new_page();
                    seg_top = w.y;
                    if let Some(h) = &self.header {
                        self.draw_row(w, h, 0, usize::MAX, true);
                    }
                    continue;
                }
                // A row taller than a page: split it between lines.
                let to = from + can as usize;
                self.draw_row(w, row, from, to, false);
                from = to;
                self.close_segment(w, seg_top);
                w.new_page();
                seg_top = w.y;
                if let Some(h) = &self.header {
                    self.draw_row(w, h, 0, usize::MAX, true);
                }
            }
        }
        self.close_segment(w, seg_top);
    }

    /// Draws lines `from..to` of every cell of `row` as one row box at the cursor.
    fn draw_row(&self, w: &mut Writer, row: &[Vec<Line>], from: usize, to: usize, header: bool) {
        let font = self.font();
        let lines = row
            .iter()
            .map(|c| c.len().min(to).saturating_sub(from))
            .max()
            .unwrap_or(0)
            .max(1);
        let h = lines as f32 * font.leading + 2.0 * CELL_PAD_Y;
        let top = w.y;
        if header {
            w.rect(MARGIN_X, top, WIDTH, h, HEAD_FILL);
        } else if self.kv {
            w.rect(MARGIN_X, top, self.cols[0], h, LABEL_FILL);
        }
        // Rule above the row.
        w.rect(MARGIN_X, top, WIDTH, 0.5, RULE);
        let mut x = MARGIN_X;
        for (c, cell) in row.iter().enumerate() {
            let cw = self.cols[c];
            w.y = top + CELL_PAD_Y;
            let end = cell.len().min(to);
            for l in cell.iter().take(end).skip(from) {
                w.text_line(l, x + CELL_PAD_X, font, INK);
                w.y += font.leading;
            }
            x += cw;
        }
        w.y = top + h;
    }

    /// Rule below the last row on a page and the vertical rules of the segment.
    fn close_segment(&self, w: &mut Writer, seg_top: f32) {
        let bottom = w.y;
        if bottom <= seg_top {
            return;
        }
        w.rect(MARGIN_X, bottom - 0.5, WIDTH, 0.5, RULE);
        let h = bottom - seg_top;
        if self.kv {
            return; // key–value blocks: horizontal rules only
        }
        let mut x = MARGIN_X;
        w.rect(x, seg_top, 0.5, h, RULE);
        for cw in &self.cols {
            x += cw;
            w.rect(x - 0.5, seg_top, 0.5, h, RULE);
        }
    }
}

/// Column widths summing to `total`, each at least its `min`. Columns whose unwrapped
/// content (`max`) fits in a fair share of the room left get it, so short columns (numbers,
/// dates, names) never wrap; the remaining columns share the rest in proportion to their
/// content, never below their minimum. When everything fits, the slack is shared in
/// proportion to the content.
fn distribute(min: &[f32], max: &[f32], total: f32) -> Vec<f32> {
    let n = min.len();
    let sum_min: f32 = min.iter().sum();
    if sum_min >= total {
        return min.iter().map(|m| m * total / sum_min).collect();
    }
    let sum_max: f32 = max.iter().sum();
    if sum_max <= total {
        return max.iter().map(|m| m * total / sum_max).collect();
    }
    let mut width = vec![0.0f32; n];
    let mut fixed = vec![false; n];
    loop {
        let open: Vec<usize> = (0..n).filter(|&i| !fixed[i]).collect();
        let room = total - (0..n).filter(|&i| fixed[i]).map(|i| width[i]).sum::<f32>();
        if open.is_empty() {
            break;
        }
        // Narrow columns get their full content width.
        let fair = room / open.len() as f32;
        let narrow: Vec<usize> = open.iter().copied().filter(|&i| max[i] <= fair).collect();
        if !narrow.is_empty() {
            for i in narrow {
                width[i] = max[i];
                fixed[i] = true;
            }
            continue;
        }
        // Wide columns: in proportion to content, but not below their minimum.
        let open_max: f32 = open.iter().map(|&i| max[i]).sum();
        let starved: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&i| max[i] * room / open_max < min[i])
            .collect();
        if starved.is_empty() {
            for &i in &open {
                width[i] = max[i] * room / open_max;
            }
            break;
        }
        for i in starved {
            width[i] = min[i];
            fixed[i] = true;
        }
    }
    let sum: f32 = width.iter().sum();
    if sum > total + 0.01 {
        // Fixing minimums overshot: fall back to the minimums, scaled up to fill.
        let extra = total - sum_min;
        return min.iter().map(|m| m + extra / n as f32).collect();
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::markup::{inline, parse};

    fn text(l: &Line) -> String {
        l.runs.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn wraps_by_measured_width() {
        let spans = inline("personuppgiftsansvarig och personuppgiftsbiträde enligt förordningen");
        let one = wrap(&spans, f32::INFINITY, 10.0);
        assert_eq!(one.len(), 1);
        let reg = &Fonts::get().regular;
        let first = "personuppgiftsansvarig och personuppgiftsbiträde";
        let max = reg.width(first, 10.0);
        assert!((one[0].width - reg.width(&text(&one[0]), 10.0)).abs() < 0.001);
        let lines = wrap(&spans, max, 10.0);
        assert_eq!(
            lines.iter().map(text).collect::<Vec<_>>(),
            [first, "enligt förordningen"]
        );
        // A hair narrower and the second long word moves down.
        let lines = wrap(&spans, max - 1.0, 10.0);
        assert_eq!(text(&lines[0]), "personuppgiftsansvarig och");
        for l in &lines {
            assert!(l.width <= max - 1.0 + 0.01);
        }
    }

    #[test]
    fn wrap_keeps_bold_runs_positioned() {
        let lines = wrap(&inline("Enligt **art. 26** gäller"), 1000.0, 10.0);
        let runs = &lines[0].runs;
        assert_eq!(runs.len(), 3);
        assert_eq!(runs[1].text.trim_end(), "art. 26");
        assert!(runs[1].bold);
        let reg = &Fonts::get().regular;
        assert!((runs[1].x - reg.width("Enligt ", 10.0)).abs() < 0.001);
    }

    #[test]
    fn overlong_word_breaks_between_characters() {
        let lines = wrap(
            &inline("https://example.org/a/very/long/path/without/spaces"),
            60.0,
            10.0,
        );
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| l.width <= 60.01));
        let joined: String = lines.iter().map(text).collect();
        assert_eq!(
            joined,
            "https://example.org/a/very/long/path/without/spaces"
        );
    }

    #[test]
    fn white_space_collapses_and_empty_gives_one_line() {
        let lines = wrap(&inline("a   b\tc"), 1000.0, 10.0);
        assert_eq!(text(&lines[0]), "a b c");
        assert_eq!(wrap(&[], 100.0, 10.0).len(), 1);
    }

    #[test]
    fn columns_fill_width_within_bounds() {
        let w = distribute(&[40.0, 40.0], &[100.0, 400.0], 300.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.01);
        assert!(w[0] >= 40.0 && w[1] > w[0]);
        let w = distribute(&[40.0, 40.0], &[50.0, 50.0], 300.0);
        assert!((w[0] - 150.0).abs() < 0.01);
        // Short columns keep their content width; the long one wraps.
        let w = distribute(&[30.0, 60.0, 40.0], &[30.0, 900.0, 80.0], 400.0);
        assert_eq!(w[0], 30.0);
        assert_eq!(w[2], 80.0);
        assert!((w[1] - 290.0).abs() < 0.01);
        // Too little room: minimums scaled to fit.
        let w = distribute(&[300.0, 300.0], &[900.0, 900.0], 400.0);
        assert!((w[0] - 200.0).abs() < 0.01);
    }

    #[test]
    fn long_table_breaks_between_rows_and_repeats_header() {
        let mut m = String::from("## Tabell\n| Nr | Text |\n|---|---|\n");
        for i in 0..80 {
            m.push_str(&format!("| {i} | rad nummer {i} med lite text |\n"));
        }
        let pages = layout(&parse(&m));
        assert!(pages.len() >= 2);
        for p in &pages {
            let headers = p
                .items
                .iter()
                .filter(|i| matches!(i, Item::Text { text, bold: true, .. } if text == "Nr"))
                .count();
            assert_eq!(headers, 1, "header once per page");
            for i in &p.items {
                if let Item::Text { y, .. } = i {
                    assert!(*y <= BOTTOM && *y >= TOP);
                }
            }
        }
    }

    #[test]
    fn page_break_and_footer() {
        let mut pages = layout(&parse("# T\n===\ntext\n===\n"));
        assert_eq!(pages.len(), 2);
        add_footers(&mut pages, "Titel", false);
        assert!(pages[1]
            .items
            .iter()
            .any(|i| matches!(i, Item::Text { text, .. } if text == "Sida 2 av 2")));
    }

    #[test]
    fn heading_is_kept_with_next_block() {
        // Fill a page almost to the bottom, then a heading and a paragraph.
        let mut m = String::new();
        for _ in 0..47 {
            m.push_str("rad\n\n");
        }
        m.push_str("## Rubrik\nFörsta raden i avsnittet.\n");
        let pages = layout(&parse(&m));
        let has_heading = |p: &Page| {
            p.items
                .iter()
                .any(|i| matches!(i, Item::Text { text, .. } if text == "Rubrik"))
        };
        let page = pages.iter().position(has_heading).unwrap();
        assert!(pages[page]
            .items
            .iter()
            .any(|i| matches!(i, Item::Text { text, .. } if text.starts_with("Första"))));
    }

    fn page_of(pages: &[Page], needle: &str) -> usize {
        pages
            .iter()
            .position(|p| {
                p.items
                    .iter()
                    .any(|i| matches!(i, Item::Text { text, .. } if text.starts_with(needle)))
            })
            .unwrap_or_else(|| panic!("{needle} not laid out"))
    }

    #[test]
    fn heading_stays_with_a_note_box_and_a_tall_row() {
        for follower in [
            format!("> {}", "Varning som tar flera rader. ".repeat(40)),
            format!("| Nr | Text |\n| 1 | {} |", "Lång cell. ".repeat(900)),
        ] {
            for filler in 30..48 {
                let mut m = "rad\n\n".repeat(filler);
                m.push_str("## Rubrik\n");
                m.push_str(&follower);
                let pages = layout(&parse(&m));
                let first_word = if follower.starts_with('>') {
                    "Varning"
                } else {
                    "Nr"
                };
                assert_eq!(
                    page_of(&pages, "Rubrik"),
                    page_of(&pages, first_word),
                    "filler {filler}"
                );
            }
        }
    }

    #[test]
    fn a_short_table_is_kept_whole_with_its_heading_and_heading_chains_hold() {
        let table = "| Kanal | Mottagare | Roll |\n| a | Facebook (Meta Platforms, Inc.) | plattform, gemensamt personuppgiftsansvarig |\n| b | Meltwater | verktyg (personuppgiftsbiträde eller tjänst) |\n| c | Arkiv | verktyg |";
        for filler in 20..52 {
            let mut m = "rad\n\n".repeat(filler);
            m.push_str("## Mottagare\n\n");
            m.push_str(table);
            m.push_str("\n\nEfter.\n\n## Kapitel\n### Underrubrik [[KOD-1]]\nText.\n");
            let pages = layout(&parse(&m));
            let p = page_of(&pages, "Mottagare");
            assert_eq!(p, page_of(&pages, "Kanal"), "filler {filler}");
            assert_eq!(p, page_of(&pages, "Arkiv"), "filler {filler}");
            assert_eq!(
                page_of(&pages, "Kapitel"),
                page_of(&pages, "Text."),
                "filler {filler}"
            );
            assert_eq!(page_of(&pages, "Underrubrik"), page_of(&pages, "KOD-1"));
        }
    }

    #[test]
    fn nothing_leaves_the_body_area() {
        let mut m = String::from("# Titel\n");
        m.push_str(&format!(
            "| Nr | Text |\n| 1 | {} |\n\n",
            "Lång cell. ".repeat(900)
        ));
        m.push_str(&format!("> {}\n\n", "Varning. ".repeat(900)));
        m.push_str(&"- punkt med text som är lagom lång\n".repeat(80));
        for p in layout(&parse(&m)) {
            for i in &p.items {
                match i {
                    Item::Text { x, y, .. } => {
                        assert!(*y >= TOP && *y <= BOTTOM && *x >= MARGIN_X, "{i:?}");
                    }
                    Item::Rect { x, y, w, h, .. } => {
                        assert!(*y >= TOP - 0.01 && y + h <= BOTTOM + 0.01, "{i:?}");
                        assert!(
                            *x >= MARGIN_X - 0.01 && x + w <= MARGIN_X + WIDTH + 0.01,
                            "{i:?}"
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod bar_tests {
    use super::*;
    use crate::document::markup::parse;

    #[test]
    fn bars_scale_to_the_largest_and_stay_in_the_body() {
        let blocks = parse("!bar Hög | 2\n!bar Låg | 4\n!bar Inga | 0\n!bar inte ett tal | x\n");
        assert_eq!(
            blocks[0],
            Block::Bars(vec![
                ("Hög".into(), 2),
                ("Låg".into(), 4),
                ("Inga".into(), 0)
            ])
        );
        assert!(matches!(blocks[1], Block::Paragraph(_)));
        let pages = layout(&blocks);
        let fills: Vec<f32> = pages[0]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rect { w, color, .. } if *color == BAR_FILL => Some(*w),
                _ => None,
            })
            .collect();
        assert_eq!(fills.len(), 2, "a zero bar draws no fill");
        assert!((fills[1] - 2.0 * fills[0]).abs() < 0.01);
        for i in &pages[0].items {
            if let Item::Rect { x, w, .. } = i {
                assert!(*x >= MARGIN_X - 0.01 && x + w <= MARGIN_X + WIDTH + 0.01);
            }
        }
    }
}
