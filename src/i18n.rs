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
