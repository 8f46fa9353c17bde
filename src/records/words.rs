//! The words the terminal shows for the codes of a result: the same as the records
//! (`records::labels`), in the user's language. `--json` keeps the codes.

use crate::i18n::t;
use crate::records::labels;

/// The word for a code (a result's enum value, a platform, a role), or the code itself when
/// none is known.
pub fn word(code: &str) -> String {
    if let Some(w) = labels::labels().get(code).and_then(|v| v.as_str()) {
        return w.to_string();
    }
    let extra: &[(&str, &str, &str)] = &[
        ("processor", "personuppgiftsbiträde", "processor"),
        (
            "independent_controller",
            "självständigt personuppgiftsansvarig",
            "independent controller",
        ),
        (
            "joint_controller",
            "gemensamt personuppgiftsansvarig",
            "joint controller",
        ),
        ("full", "fullt", "full"),
        ("limited", "begränsat", "limited"),
        ("must", "ska", "must"),
        ("very_high", "mycket hög", "very high"),
        ("open", "öppen", "open"),
        ("done", "klar", "done"),
        ("resolved", "löst", "resolved"),
        ("closed", "stängd", "closed"),
        ("should", "bör", "should"),
        ("facebook_page", "Facebook-sida", "Facebook page"),
        ("instagram", "Instagram", "Instagram"),
        ("linkedin_page", "LinkedIn-sida", "LinkedIn page"),
        ("x", "X", "X"),
        ("youtube", "YouTube", "YouTube"),
        ("tiktok", "TikTok", "TikTok"),
        ("snapchat", "Snapchat", "Snapchat"),
        ("blog", "blogg", "blog"),
        ("stockholm", "Stockholm", "Stockholm"),
        ("sollentuna", "Sollentuna", "Sollentuna"),
        ("nykoping", "Nyköping", "Nyköping"),
        ("gdpr", "lagens grundnivå", "the legal baseline"),
    ];
    extra
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, sv, en)| t(sv, en))
        .unwrap_or_else(|| code.to_string())
}

/// The word for an enum of a result (its serde name is the code).
pub fn word_of<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => word(&s),
        _ => String::new(),
    }
}

pub fn yes_no(b: bool) -> String {
    if b {
        t("ja", "yes")
    } else {
        t("nej", "no")
    }
}

/// A finding on the terminal: its title (the code small beside it), then its text and
/// sources, as the record shows them.
pub fn finding(f: &crate::finding::Finding) -> String {
    let title = if f.title.is_empty() {
        labels::finding_title(&f.code, &f.text)
    } else {
        f.title.clone()
    };
    let unsettled = if f.unsettled {
        t(" (oklart rättsläge)", " (unsettled law)")
    } else {
        String::new()
    };
    format!(
        "  {title}{unsettled}   [{}]\n    {}\n    {}: {}",
        f.code,
        f.text,
        t("Källor", "Sources"),
        labels::sources_text(&f.sources)
    )
}
