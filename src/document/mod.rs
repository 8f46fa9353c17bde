//! Templates → markup → PDF records. This module knows nothing of law: it lays out text.
//!
//! A document is made in two steps. [`render_template`] fills a Handlebars template with
//! data and gives *markup*; [`render_pdf`] turns markup into an A4 PDF with the given
//! metadata and embedded files. [`attachments`] reads the embedded files back.
//!
//! # Markup
//!
//! Line based; each line's kind is decided by how it starts (leading white space is
//! ignored, except as noted for lists):
//!
//! | line | meaning |
//! |---|---|
//! | `# Title` | document title (large, bold, rule below) |
//! | `## Heading` | section heading (kept on the page with what follows it) |
//! | `### Subheading` | subsection heading |
//! | plain text | paragraph; consecutive lines join into one paragraph, a blank line ends it |
//! | `- item` | bullet list item, wrapped with a hanging indent; an *indented* plain line right after an item continues it |
//! | `\| a \| b \|` | table row; the first row of a table is its header (bold, shaded, repeated on every page the table spans); a `\|---\|---\|` separator line is allowed and ignored; rows are never split across pages (unless a single row is taller than a page) |
//! | `!kv Label \| Value` | key–value line; consecutive ones form the title block (label column bold, value wraps) |
//! | `!bar Label \| N` | a bar of a horizontal bar chart (N a whole number); consecutive ones scale to the largest |
//! | `> text` | highlighted note box; consecutive `>` lines form one box, a lone `>` starts a new paragraph inside it |
//! | `===` | page break |
//! | `%% comment` | ignored |
//!
//! Inline, in paragraphs, list items, cells, values and notes: `**bold**`. A backslash
//! before ASCII punctuation makes it literal (`\*`, `\|`, `\\`); templates should pass data
//! through the `esc` helper (`{{esc name}}`) so that a `|` or `**` in a name stays text.
//! Headings and labels are set in one weight (`**` markers in them are dropped).
//!
//! # Templates
//!
//! Handlebars in strict mode (a missing variable is an error naming it) with HTML escaping
//! off (the output is markup, not HTML). Helpers: `{{join list}}` joins an array with
//! `", "` (`{{join list " / "}}` for another separator); `{{esc value}}` escapes markup
//! characters and turns line breaks into spaces.
//!
//! # The PDF
//!
//! A4, Liberation Sans regular and bold embedded as subsets (`XXXXXX+` tags), text
//! extractable (ToUnicode maps), a footer on every page with the title and "Sida N av M"
//! ("Page N of M" in English), Info dictionary and XMP metadata, `/Lang`, embedded files
//! in the `/EmbeddedFiles` name tree and `/AF`.
//!
//! It is PDF/A-3b (ISO 19005-3), the form Riksarkivet accepts that allows embedded files:
//! XMP with `pdfaid:part 3` / `conformance B` that repeats the Info entries, an sRGB output
//! intent (the pages paint in DeviceRGB), every font embedded, each attachment an associated
//! file with its [`Relationship`], and nothing PDF/A forbids (no JavaScript, actions,
//! encryption, LZW or external streams). The signature's incremental update keeps it so. The output is deterministic (same input,
//! same bytes: the `/ID` and subset tags derive from a SHA-256 of the input), has a
//! classic cross-reference table and no object streams, and ends in `%%EOF\n` — ready for
//! an incremental-update signature.

mod embed;
mod fonts;
mod layout;
mod markup;
mod pdf;

use std::sync::{OnceLock, RwLock};

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};

use crate::error::{Error, Result};

pub use markup::{escape, parse, Block, Inline, Span};
pub use pdf::Rendered;

/// Document metadata, written to the Info dictionary and XMP.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub title: String,
    pub subject: String,
    pub author: String,
    pub keywords: Vec<String>,
    /// `"sv"` or `"en"`: the footer's language and the PDF's `/Lang`.
    pub lang: String,
    pub creator: String,
    pub created: chrono::DateTime<chrono::FixedOffset>,
}

/// A file embedded in the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name, e.g. `answers.toml`; unique within a document.
    pub name: String,
    /// MIME type, e.g. `application/toml`.
    pub mime: String,
    pub description: String,
    pub bytes: Vec<u8>,
    /// How the file relates to the document (PDF/A-3 `/AFRelationship`).
    pub relationship: Relationship,
}

/// PDF/A-3's `/AFRelationship` of an embedded file: an archive reading the record in decades
/// learns from it which file the document was made from and which holds its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Relationship {
    /// What the document was made from (the answers a decision rests on).
    Source,
    /// The document's content as data (the result the document shows).
    #[default]
    Data,
    /// Something that supports the document without being its source or data.
    Supplement,
}

impl Relationship {
    /// The PDF name, without the slash.
    pub fn pdf_name(self) -> &'static str {
        match self {
            Relationship::Source => "Source",
            Relationship::Data => "Data",
            Relationship::Supplement => "Supplement",
        }
    }
}

/// Renders Handlebars `template` (text) with `data` into markup.
///
/// Each distinct template text is compiled once per process and kept (a batch renders the
/// same few templates hundreds of times).
pub fn render_template(template: &str, data: &serde_json::Value) -> Result<String> {
    let name = template_name(template);
    {
        let reg = registry().read().unwrap_or_else(|e| e.into_inner());
        if reg.has_template(&name) {
            return reg.render(&name, data).map_err(template_error);
        }
    }
    let mut reg = registry().write().unwrap_or_else(|e| e.into_inner());
    if !reg.has_template(&name) {
        if reg.get_templates().len() >= MAX_CACHED_TEMPLATES {
            reg.clear_templates();
        }
        reg.register_template_string(&name, template)
            .map_err(|e| template_error(e.into()))?;
    }
    reg.render(&name, data).map_err(template_error)
}

/// Compiles `template` into the per-process cache [`render_template`] uses, without
/// rendering it: a record's template compiled on another thread while the decision runs
/// (e.g. on another thread while the decision runs). An error is left for the render.
pub fn compile_template(template: &str) {
    let name = template_name(template);
    let mut reg = registry().write().unwrap_or_else(|e| e.into_inner());
    if !reg.has_template(&name) && reg.get_templates().len() < MAX_CACHED_TEMPLATES {
        let _ = reg.register_template_string(&name, template);
    }
}

/// Loads the fonts' tables (parsed once per process), e.g. on another thread before the
/// first layout needs them.
pub fn prepare_fonts() {
    let _ = fonts::Fonts::get();
}

fn template_name(template: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, template.as_bytes())
        .as_ref()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Bound on compiled templates kept; the cache starts over when it is reached.
const MAX_CACHED_TEMPLATES: usize = 256;

/// Markup → PDF bytes (A4), with attachments embedded as PDF embedded files.
pub fn render_pdf(markup: &str, meta: &Meta, attachments: &[Attachment]) -> Result<Vec<u8>> {
    render_pdf_parsed(markup, meta, attachments).map(|r| r.bytes)
}

/// [`render_pdf`], with the PDF's objects as written (for the signer: see [`Rendered`]).
pub fn render_pdf_parsed(
    markup: &str,
    meta: &Meta,
    attachments: &[Attachment],
) -> Result<Rendered> {
    let blocks = markup::parse(markup);
    let mut pages = layout::layout(&blocks);
    layout::add_footers(&mut pages, &meta.title, meta.lang == "en");
    pdf::write(
        &pages,
        meta,
        attachments,
        &digest(markup, meta, attachments),
    )
}

/// Reads back the embedded files of a PDF (name, bytes), in name order.
pub fn attachments(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    pdf::read_attachments(pdf)
}

/// SHA-256 over every input, each field length-prefixed.
fn digest(markup: &str, meta: &Meta, attachments: &[Attachment]) -> Vec<u8> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut field = |b: &[u8]| {
        ctx.update(&(b.len() as u64).to_be_bytes());
        ctx.update(b);
    };
    field(markup.as_bytes());
    field(meta.title.as_bytes());
    field(meta.subject.as_bytes());
    field(meta.author.as_bytes());
    for k in &meta.keywords {
        field(k.as_bytes());
    }
    field(meta.lang.as_bytes());
    field(meta.creator.as_bytes());
    field(meta.created.to_rfc3339().as_bytes());
    for a in attachments {
        field(a.name.as_bytes());
        field(a.mime.as_bytes());
        field(a.description.as_bytes());
        field(&a.bytes);
        field(a.relationship.pdf_name().as_bytes());
    }
    ctx.finish().as_ref().to_vec()
}

fn registry() -> &'static RwLock<Handlebars<'static>> {
    static REGISTRY: OnceLock<RwLock<Handlebars<'static>>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut h = Handlebars::new();
        h.set_strict_mode(true);
        h.register_escape_fn(handlebars::no_escape);
        h.register_helper("join", Box::new(join_helper));
        h.register_helper("esc", Box::new(esc_helper));
        h.register_helper("datum", Box::new(datum_helper));
        RwLock::new(h)
    })
}

fn template_error(e: handlebars::RenderError) -> Error {
    let mut err = match e.reason() {
        RenderErrorReason::MissingVariable(Some(path)) => Error::input(format!(
            "the template uses '{path}', which the data does not have"
        ))
        .field(path),
        RenderErrorReason::TemplateError(t) => {
            let err = Error::input(format!("template error: {}", t.reason()));
            match t.pos() {
                Some((line, _)) => err.at_line(line),
                None => err,
            }
        }
        other => Error::input(format!("template error: {other}")),
    };
    if let Some(line) = e.line_no {
        err = err.at_line(line);
    }
    err
}

/// The value of a helper's parameter; in strict mode a missing one is an error naming it.
fn param<'a>(
    h: &'a Helper<'_>,
    i: usize,
    name: &'static str,
) -> Result<&'a serde_json::Value, RenderErrorReason> {
    let p = h
        .param(i)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, i))?;
    if p.is_value_missing() {
        return Err(RenderErrorReason::MissingVariable(
            p.relative_path().cloned(),
        ));
    }
    Ok(p.value())
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn join_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = param(h, 0, "join")?;
    let sep = match h.param(1) {
        Some(p) => scalar(p.value()),
        None => ", ".to_string(),
    };
    let s = match v {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(&sep),
        other => scalar(other),
    };
    out.write(&s)?;
    Ok(())
}

fn esc_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = param(h, 0, "esc")?;
    out.write(&markup::escape(&scalar(v)))?;
    Ok(())
}

/// `{{datum x}}`: an ISO date or RFC 3339 instant as a reader of the record's language reads
/// it ("1 december 2026", "1 december 2026 kl. 08.00" in Swedish time); other text as is.
fn datum_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = scalar(param(h, 0, "datum")?);
    out.write(&markup::escape(&crate::i18n::human_time(&v)))?;
    Ok(())
}

#[cfg(test)]
mod tests;
