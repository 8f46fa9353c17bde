//! The user's language. Swedish is the default: the users are Swedish public servants.
//!
//! The language is chosen once per process (`--lang`), so deep code can phrase its
//! messages without threading a parameter through every call.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sv" => Ok(Lang::Sv),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language '{other}' (sv | en)")),
        }
    }
}

static LANG: AtomicU8 = AtomicU8::new(0);

/// Sets the process-wide language (done once by the CLI).
pub fn set(lang: Lang) {
    LANG.store(lang as u8, Ordering::Relaxed);
}

thread_local! {
    /// A language chosen for the work on this thread only (the web server serves each
    /// request in its user's language; the CLI never sets it).
    static SCOPED: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with `lang` as the language on this thread (the web face: one request).
pub fn scoped<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    let before = SCOPED.with(|c| c.replace(Some(lang)));
    let out = f();
    SCOPED.with(|c| c.set(before));
    out
}

pub fn current() -> Lang {
    if let Some(l) = SCOPED.with(|c| c.get()) {
        return l;
    }
    match LANG.load(Ordering::Relaxed) {
        1 => Lang::En,
        _ => Lang::Sv,
    }
}

/// Picks the Swedish or English phrasing of a message.
pub fn t(sv: &str, en: &str) -> String {
    match current() {
        Lang::Sv => sv.to_string(),
        Lang::En => en.to_string(),
    }
}

/// An ISO date (`2026-12-01`) or RFC 3339 instant as a reader reads it: Swedish
/// "1 december 2026" and "1 december 2026 kl. 08.00" (Swedish time), English
/// "1 December 2026" and "1 December 2026, 08:00 (Swedish time)". Anything else unchanged.
/// Files keep ISO 8601; this is for records and screens.
pub fn human_time(s: &str) -> String {
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    use chrono::{Datelike, Timelike};
    let month = |m: u32| match current() {
        Lang::Sv => SV[(m - 1) as usize],
        Lang::En => EN[(m - 1) as usize],
    };
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return format!("{} {} {}", d.day(), month(d.month()), d.year());
    }
    if let Ok(i) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
        let l = i.with_timezone(&chrono_tz::Europe::Stockholm);
        return match current() {
            Lang::Sv => format!(
                "{} {} {} kl. {:02}.{:02}",
                l.day(),
                month(l.month()),
                l.year(),
                l.hour(),
                l.minute()
            ),
            Lang::En => format!(
                "{} {} {}, {:02}:{:02} (Swedish time)",
                l.day(),
                month(l.month()),
                l.year(),
                l.hour(),
                l.minute()
            ),
        };
    }
    s.to_string()
}

/// A country as a reader names it, from its ISO 3166 code ("USA", not "US"); a code not
/// listed stays as it is.
pub fn country_name(code: &str) -> String {
    let known: &[(&str, &str, &str)] = &[
        ("US", "USA", "USA"),
        ("CN", "Kina", "China"),
        ("SE", "Sverige", "Sweden"),
        ("IE", "Irland", "Ireland"),
        ("GB", "Storbritannien", "the United Kingdom"),
        ("DE", "Tyskland", "Germany"),
        ("NL", "Nederländerna", "the Netherlands"),
        ("NO", "Norge", "Norway"),
        ("DK", "Danmark", "Denmark"),
        ("FI", "Finland", "Finland"),
        ("FR", "Frankrike", "France"),
        ("CH", "Schweiz", "Switzerland"),
        ("CA", "Kanada", "Canada"),
        ("JP", "Japan", "Japan"),
        ("IN", "Indien", "India"),
        ("IL", "Israel", "Israel"),
    ];
    known
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, sv, en)| t(sv, en))
        .unwrap_or_else(|| code.to_string())
}
