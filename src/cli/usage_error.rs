//! Command-line usage errors in the user's language.
//!
//! clap words its errors in English. The parse fails before `--lang` is known, so the
//! language is read from the raw arguments (Swedish unless `--lang en`), and the common
//! kinds of usage error are phrased in Swedish from clap's context; any other kind keeps
//! clap's own wording.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The language the arguments ask for, read without clap: `--lang en` or `--lang=en`.
pub fn lang_from_args(args: &[String]) -> crate::i18n::Lang {
    let mut it = args.iter();
    let mut lang = crate::i18n::Lang::Sv;
    while let Some(a) = it.next() {
        let value = if a == "--lang" {
            it.next().map(String::as_str)
        } else {
            a.strip_prefix("--lang=")
        };
        if value == Some("en") {
            lang = crate::i18n::Lang::En;
        } else if value == Some("sv") {
            lang = crate::i18n::Lang::Sv;
        }
    }
    lang
}

fn text(v: Option<&ContextValue>) -> String {
    match v {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::Number(n)) => n.to_string(),
        Some(ContextValue::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn list(v: Option<&ContextValue>, sep: &str) -> String {
    match v {
        Some(ContextValue::Strings(v)) => v.join(sep),
        other => text(other),
    }
}

/// The Swedish wording of a usage error, or `None` to keep clap's.
pub fn swedish(e: &clap::Error) -> Option<String> {
    let get = |k: ContextKind| e.get(k);
    let arg = text(get(ContextKind::InvalidArg));
    let value = text(get(ContextKind::InvalidValue));
    let mut msg = match e.kind() {
        ErrorKind::MissingRequiredArgument => {
            format!(
                "obligatoriska argument saknas: {}",
                list(get(ContextKind::InvalidArg), ", ")
            )
        }
        ErrorKind::UnknownArgument => format!("okänt argument '{arg}'"),
        ErrorKind::InvalidSubcommand => format!(
            "okänt kommando '{}'",
            text(get(ContextKind::InvalidSubcommand))
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("värde saknas för '{arg}'"),
        ErrorKind::InvalidValue => format!(
            "värdet '{value}' är inte tillåtet för '{arg}' (tillåtna: {})",
            list(get(ContextKind::ValidValue), " | ")
        ),
        ErrorKind::ValueValidation if arg.starts_with("--lang") => {
            format!("okänt språk '{value}' (tillåtna: sv | en)")
        }
        ErrorKind::ValueValidation => format!("ogiltigt värde '{value}' för '{arg}'"),
        ErrorKind::ArgumentConflict => format!(
            "'{arg}' kan inte användas tillsammans med '{}'",
            list(get(ContextKind::PriorArg), "', '")
        ),
        ErrorKind::MissingSubcommand => "ett underkommando krävs (se --help)".to_string(),
        ErrorKind::TooManyValues => {
            format!("'{arg}' har fått för många värden")
        }
        _ => return None,
    };
    if let Some(s) = get(ContextKind::SuggestedSubcommand).or(get(ContextKind::SuggestedArg)) {
        msg.push_str(&format!(" (menade du '{}'?)", list(Some(s), "', '")));
    }
    let usage = text(get(ContextKind::Usage));
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let mut out = format!("dataskydd: fel: {msg}\n");
    if !usage.is_empty() {
        out.push_str(&format!("\nAnvändning: {usage}\n"));
    }
    out.push_str("\nMer information: lägg till --help.\n");
    Some(out)
}
