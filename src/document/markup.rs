//! The line-based markup: text → blocks. See the module documentation of
//! [`crate::document`] for the rules.

/// A run of text in one weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
}

/// Inline text: spans in reading order.
pub type Inline = Vec<Span>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `# Title`
    Title(String),
    /// `## Heading`
    Heading(String),
    /// `### Subheading`
    Subheading(String),
    /// Plain lines, joined until a blank line.
    Paragraph(Inline),
    /// Consecutive `- item` lines.
    List(Vec<Inline>),
    /// Consecutive `| a | b |` lines; `header` is the first row.
    Table {
        header: Vec<Inline>,
        rows: Vec<Vec<Inline>>,
    },
    /// Consecutive `!kv Label | Value` lines.
    KeyValues(Vec<(String, Inline)>),
    /// Consecutive `> text` lines: paragraphs inside one box (`>` alone separates them).
    Note(Vec<Inline>),
    /// `===`
    PageBreak,
    /// Consecutive `!bar Label | N` lines: a horizontal bar chart of whole numbers, each bar
    /// as long as its value relative to the largest.
    Bars(Vec<(String, u64)>),
}

/// Parses markup into blocks. Never fails: anything that is not a recognised construct is
/// paragraph text.
pub fn parse(markup: &str) -> Vec<Block> {
    let mut p = Parser::default();
    for raw in markup.lines() {
        p.line(raw);
    }
    p.flush();
    p.blocks
}

#[derive(Default)]
struct Parser {
    blocks: Vec<Block>,
    open: Open,
}

#[derive(Default)]
enum Open {
    #[default]
    None,
    Paragraph(String),
    List(Vec<String>),
    Table(Vec<Vec<String>>),
    KeyValues(Vec<(String, String)>),
    Note(Vec<String>),
    Bars(Vec<(String, u64)>),
}

impl Parser {
    fn line(&mut self, raw: &str) {
        let line = raw.trim_end();
        let indented = line.starts_with([' ', '\t']);
        let t = line.trim_start();

        if t.starts_with("%%") {
            return; // comment: invisible, and does not end an open block
        }
        if t.is_empty() {
            self.flush();
            return;
        }
        if t == "===" {
            self.flush();
            self.blocks.push(Block::PageBreak);
            return;
        }
        if let Some(rest) = heading(t, 3) {
            self.flush();
            self.blocks.push(Block::Subheading(plain(rest)));
            return;
        }
        if let Some(rest) = heading(t, 2) {
            self.flush();
            self.blocks.push(Block::Heading(plain(rest)));
            return;
        }
        if let Some(rest) = heading(t, 1) {
            self.flush();
            self.blocks.push(Block::Title(plain(rest)));
            return;
        }
        if let Some(rest) = t.strip_prefix("!kv ").or_else(|| t.strip_prefix("!kv\t")) {
            let (label, value) = split_kv(rest);
            match &mut self.open {
                Open::KeyValues(rows) => rows.push((label, value)),
                _ => {
                    self.flush();
                    self.open = Open::KeyValues(vec![(label, value)]);
                }
            }
            return;
        }
        if let Some(rest) = t.strip_prefix("!bar ") {
            let (label, value) = split_kv(rest);
            if let Ok(n) = value.parse::<u64>() {
                match &mut self.open {
                    Open::Bars(bars) => bars.push((label, n)),
                    _ => {
                        self.flush();
                        self.open = Open::Bars(vec![(label, n)]);
                    }
                }
                return;
            }
        }
        if t.starts_with('|') {
            let cells = split_row(t);
            let separator = !cells.is_empty() && cells.iter().all(|c| is_separator_cell(c));
            match &mut self.open {
                Open::Table(rows) => {
                    if !separator {
                        rows.push(cells);
                    }
                }
                _ => {
                    self.flush();
                    self.open = Open::Table(if separator { vec![] } else { vec![cells] });
                }
            }
            return;
        }
        if t == ">" || t.starts_with("> ") || t.starts_with(">\t") {
            let text = t[1..].trim().to_string();
            match &mut self.open {
                Open::Note(paras) => {
                    if text.is_empty() {
                        if paras.last().is_some_and(|p| !p.is_empty()) {
                            paras.push(String::new());
                        }
                    } else {
                        let last = paras.last_mut().expect("a note has a paragraph");
                        join_line(last, &text);
                    }
                }
                _ => {
                    self.flush();
                    self.open = Open::Note(vec![text]);
                }
            }
            return;
        }
        if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("-\t")) {
            let item = rest.trim().to_string();
            match &mut self.open {
                Open::List(items) => items.push(item),
                _ => {
                    self.flush();
                    self.open = Open::List(vec![item]);
                }
            }
            return;
        }
        // Plain text. An indented line right after a list item continues that item.
        match &mut self.open {
            Open::List(items) if indented => {
                let last = items.last_mut().expect("a list has an item");
                join_line(last, t);
            }
            Open::Paragraph(text) => join_line(text, t),
            _ => {
                self.flush();
                self.open = Open::Paragraph(t.to_string());
            }
        }
    }

    fn flush(&mut self) {
        match std::mem::take(&mut self.open) {
            Open::None => {}
            Open::Paragraph(text) => self.blocks.push(Block::Paragraph(inline(&text))),
            Open::List(items) => self
                .blocks
                .push(Block::List(items.iter().map(|i| inline(i)).collect())),
            Open::Table(rows) => {
                if rows.is_empty() {
                    return;
                }
                let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
                let mut rows = rows.into_iter().map(|mut r| {
                    r.resize(cols, String::new());
                    r.iter().map(|c| inline(c)).collect::<Vec<_>>()
                });
                let header = rows.next().expect("rows is not empty");
                self.blocks.push(Block::Table {
                    header,
                    rows: rows.collect(),
                });
            }
            Open::Bars(bars) => self.blocks.push(Block::Bars(bars)),
            Open::KeyValues(rows) => self.blocks.push(Block::KeyValues(
                rows.into_iter().map(|(k, v)| (k, inline(&v))).collect(),
            )),
            Open::Note(mut paras) => {
                if paras.last().is_some_and(String::is_empty) {
                    paras.pop();
                }
                self.blocks
                    .push(Block::Note(paras.iter().map(|p| inline(p)).collect()));
            }
        }
    }
}

/// `# x` at `level` (exactly that many `#`, then a space).
fn heading(t: &str, level: usize) -> Option<&str> {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if hashes != level {
        return None;
    }
    let rest = &t[level..];
    if rest.starts_with([' ', '\t']) {
        Some(rest.trim())
    } else {
        None
    }
}

fn join_line(acc: &mut String, next: &str) {
    if !acc.is_empty() {
        acc.push(' ');
    }
    acc.push_str(next);
}

/// Splits `Label | Value` at the first unescaped `|`; the label is plain text.
fn split_kv(rest: &str) -> (String, String) {
    let mut parts = split_unescaped(rest, '|');
    let label = parts.remove(0);
    let value = parts.join("|");
    (plain(label.trim()), value.trim().to_string())
}

/// `| a | b |` → `["a", "b"]` (a missing trailing `|` is tolerated).
fn split_row(t: &str) -> Vec<String> {
    let inner = t.strip_prefix('|').unwrap_or(t);
    let mut cells = split_unescaped(inner, '|');
    if cells.last().is_some_and(|c| c.trim().is_empty()) {
        cells.pop();
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// Splits at `sep` unless it is escaped with a backslash; escapes are kept for [`inline`].
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let cur = out.last_mut().expect("never empty");
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
        } else if c == sep {
            out.push(String::new());
        } else {
            out.last_mut().expect("never empty").push(c);
        }
    }
    out
}

fn is_separator_cell(c: &str) -> bool {
    let c = c.trim();
    let core = c.trim_start_matches(':').trim_end_matches(':');
    !core.is_empty() && core.chars().all(|ch| ch == '-')
}

/// Inline text → spans: `**` toggles bold, `\x` is a literal `x` for ASCII punctuation,
/// an unpaired `**` is literal text.
pub fn inline(s: &str) -> Inline {
    // Positions (in chars) of `**` markers that open or close a bold span.
    let chars: Vec<char> = s.chars().collect();
    let mut markers = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && chars.get(i + 1).is_some_and(|c| c.is_ascii_punctuation()) {
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'*') {
            markers.push(i);
            i += 2;
        } else {
            i += 1;
        }
    }
    if markers.len() % 2 == 1 {
        markers.pop(); // unpaired: literal
    }

    let mut spans: Inline = Vec::new();
    let mut cur = String::new();
    let mut bold = false;
    let mut m = markers.iter().peekable();
    let mut i = 0;
    while i < chars.len() {
        if m.peek() == Some(&&i) {
            m.next();
            push_span(&mut spans, std::mem::take(&mut cur), bold);
            bold = !bold;
            i += 2;
            continue;
        }
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|c| c.is_ascii_punctuation()) {
            cur.push(chars[i + 1]);
            i += 2;
            continue;
        }
        cur.push(c);
        i += 1;
    }
    push_span(&mut spans, cur, bold);
    spans
}

fn push_span(spans: &mut Inline, text: String, bold: bool) {
    if text.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.bold == bold => last.text.push_str(&text),
        _ => spans.push(Span { text, bold }),
    }
}

/// Inline markup reduced to its text (for headings and labels, which have one weight).
pub fn plain(s: &str) -> String {
    inline(s).into_iter().map(|s| s.text).collect()
}

/// Escapes text so it reads literally inside a markup line: `\`, `*`, `|` get a backslash
/// and line breaks become spaces. Text at the start of a line is not protected from being
/// read as a construct (`# `, `- `, `> `): templates put data after a prefix.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str, bold: bool) -> Span {
        Span {
            text: text.into(),
            bold,
        }
    }

    #[test]
    fn headings_and_paragraphs() {
        let b = parse("# Titel\n## Avsnitt\n### Under\nrad ett\nrad två\n\nny stycke\n");
        assert_eq!(
            b,
            vec![
                Block::Title("Titel".into()),
                Block::Heading("Avsnitt".into()),
                Block::Subheading("Under".into()),
                Block::Paragraph(vec![s("rad ett rad två", false)]),
                Block::Paragraph(vec![s("ny stycke", false)]),
            ]
        );
    }

    #[test]
    fn hashes_without_space_are_text() {
        assert_eq!(
            parse("#hashtag"),
            vec![Block::Paragraph(vec![s("#hashtag", false)])]
        );
        assert_eq!(
            parse("#### four"),
            vec![Block::Paragraph(vec![s("#### four", false)])]
        );
    }

    #[test]
    fn bold_spans_and_escapes() {
        assert_eq!(
            inline("a **fet** b"),
            vec![s("a ", false), s("fet", true), s(" b", false)]
        );
        assert_eq!(inline("2 ** 3"), vec![s("2 ** 3", false)]);
        assert_eq!(inline(r"\*\*inte fet\*\*"), vec![s("**inte fet**", false)]);
        assert_eq!(inline(r"C:\Users"), vec![s(r"C:\Users", false)]);
        assert_eq!(inline("**helt fet**"), vec![s("helt fet", true)]);
        assert_eq!(plain("## **x**"), "## x");
    }

    #[test]
    fn lists_with_continuation() {
        let b = parse("- ett\n- två\n  fortsätter\nstycke\n");
        assert_eq!(
            b,
            vec![
                Block::List(vec![
                    vec![s("ett", false)],
                    vec![s("två fortsätter", false)]
                ]),
                Block::Paragraph(vec![s("stycke", false)]),
            ]
        );
    }

    #[test]
    fn tables() {
        let b = parse("| A | B |\n|---|:--:|\n| 1 | 2 \\| 3 |\n| 4 |\n\ntext");
        assert_eq!(
            b,
            vec![
                Block::Table {
                    header: vec![vec![s("A", false)], vec![s("B", false)]],
                    rows: vec![
                        vec![vec![s("1", false)], vec![s("2 | 3", false)]],
                        vec![vec![s("4", false)], vec![]],
                    ],
                },
                Block::Paragraph(vec![s("text", false)]),
            ]
        );
    }

    #[test]
    fn key_values_notes_breaks_comments() {
        let b = parse(
            "!kv Kommun | Sollentuna\n!kv Datum | 2026-11-25 | kl 10\n%% kommentar\n> Rättsläget\n> är oklart.\n>\n> Andra stycket\n===\n",
        );
        assert_eq!(
            b,
            vec![
                Block::KeyValues(vec![
                    ("Kommun".into(), vec![s("Sollentuna", false)]),
                    ("Datum".into(), vec![s("2026-11-25 | kl 10", false)]),
                ]),
                Block::Note(vec![
                    vec![s("Rättsläget är oklart.", false)],
                    vec![s("Andra stycket", false)],
                ]),
                Block::PageBreak,
            ]
        );
    }

    #[test]
    fn escape_round_trips_through_inline() {
        let raw = "a*b | c\\d **e**\nf";
        assert_eq!(plain(&escape(raw)), "a*b | c\\d **e** f");
        let row = format!("| {} | x |", escape("1|2"));
        match &parse(&row)[0] {
            Block::Table { header, .. } => {
                assert_eq!(header.len(), 2);
                assert_eq!(header[0], vec![s("1|2", false)]);
            }
            other => panic!("{other:?}"),
        }
    }
}
