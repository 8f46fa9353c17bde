//! Countries and the EU adequacy decisions (DOMAIN.md part 1 A1–A3), read from data:
//! `questionnaires/countries.toml` (ISO 3166-1 alpha-2 with English and Swedish names) and
//! `questionnaires/adequacy.toml` (decision number, date, review, scope; versioned).

use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::finding::Words;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub en: String,
    pub sv: String,
}

/// One adequacy decision.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub decision: String,
    pub date: String,
    pub review: String,
    #[serde(default)]
    pub scope: Option<Words>,
    /// Adequacy only for organisations certified under a framework (the US: the DPF).
    #[serde(default)]
    pub only_dpf: bool,
    #[serde(default)]
    pub international_organisation: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct List {
    version: String,
    #[serde(flatten)]
    decisions: IndexMap<String, Decision>,
}

pub fn countries() -> &'static IndexMap<String, Country> {
    static C: OnceLock<IndexMap<String, Country>> = OnceLock::new();
    C.get_or_init(|| {
        toml::from_str(include_str!("../../questionnaires/countries.toml"))
            .expect("questionnaires/countries.toml is checked by a unit test")
    })
}

fn list() -> &'static List {
    static L: OnceLock<List> = OnceLock::new();
    L.get_or_init(|| {
        toml::from_str(include_str!("../../questionnaires/adequacy.toml"))
            .expect("questionnaires/adequacy.toml is checked by a unit test")
    })
}

/// Parses the country and adequacy lists (once per process), e.g. on another thread
/// before the answers are checked: TOML parsing of the 250 countries was 2.7 % of one
/// `assess`'s CPU.
pub fn prepare() {
    let _ = (countries(), list());
}

/// The version of the adequacy list a record names.
pub fn version() -> &'static str {
    &list().version
}

/// The adequacy decision for a country code, if any (the US's only through the DPF).
pub fn decision(country: &str) -> Option<&'static Decision> {
    list()
        .decisions
        .get(&country.trim().to_ascii_uppercase())
        .filter(|d| !d.international_organisation)
}

/// A country with an adequacy decision that covers transfers without a framework
/// certification (A1). The US is never one (A2: only through the DPF).
pub fn adequate(country: &str) -> bool {
    decision(country).is_some_and(|d| !d.only_dpf)
}

/// The country's name in the user's language ("Kanada"), or the code itself.
pub fn name(code: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    match countries().get(&code) {
        Some(c) => match crate::i18n::current() {
            crate::i18n::Lang::Sv => c.sv.clone(),
            crate::i18n::Lang::En => c.en.clone(),
        },
        None => code,
    }
}

/// Checks an ISO 3166-1 alpha-2 code. Err carries the code a name stands for ("Kanada" →
/// "CA") or the closest codes by name, for "menade du …?".
pub fn check_code(value: &str) -> Result<String, Vec<String>> {
    let v = value.trim();
    let up = v.to_ascii_uppercase();
    if v.len() == 2 && countries().contains_key(&up) {
        return Ok(up);
    }
    let low = v.to_lowercase();
    let exact: Vec<String> = countries()
        .iter()
        .filter(|(_, c)| c.en.to_lowercase() == low || c.sv.to_lowercase() == low)
        .map(|(k, _)| k.clone())
        .collect();
    if !exact.is_empty() {
        return Err(exact);
    }
    let mut scored: Vec<(usize, String)> = countries()
        .iter()
        .map(|(k, c)| {
            let d = crate::assessment::closest::distance(&low, &c.sv.to_lowercase()).min(
                crate::assessment::closest::distance(&low, &c.en.to_lowercase()),
            );
            (d, k.clone())
        })
        .collect();
    scored.sort();
    Err(scored
        .into_iter()
        .take_while(|(d, _)| *d <= 3)
        .take(3)
        .map(|(_, k)| k)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_the_lists_parse_and_every_decision_is_a_country() {
        assert!(countries().len() > 240);
        assert_eq!(version(), "2026.12");
        for (code, d) in &list().decisions {
            assert!(
                d.international_organisation || countries().contains_key(code),
                "{code}"
            );
            assert!(!d.decision.is_empty());
        }
        for c in [
            "AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY",
        ] {
            assert!(adequate(c), "{c}");
        }
        assert!(!adequate("US"), "the US only through the DPF (A2)");
        assert!(decision("US").is_some_and(|d| d.only_dpf));
        assert!(!adequate("CN") && !adequate("IN") && !adequate("SE"));
    }

    #[test]
    fn a3_iso_codes_are_checked_and_names_suggest_the_code() {
        assert_eq!(check_code("ca"), Ok("CA".into()));
        assert_eq!(check_code("Kanada"), Err(vec!["CA".to_string()]));
        assert_eq!(check_code("Canada"), Err(vec!["CA".to_string()]));
        assert!(check_code("Schwiez")
            .unwrap_err()
            .contains(&"CH".to_string()));
        assert!(check_code("XX").is_err());
    }
}
