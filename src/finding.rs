//! What every assessment returns: findings with their reasons and sources, and actions.
//!
//! A finding is the unit of a conclusion. It carries the outcome code (DOMAIN.md), a human
//! title and a text in the user's language, the legal sources it rests on, whether the law is
//! unsettled, and `because`: the answer keys that led to it (the rule trace).
//!
//! The words of the law live in one file a lawyer can read, `questionnaires/catalogue.toml`:
//! per code its title, sources, the DOMAIN rule mark it implements and (for the codes of rules
//! 2026.12) its text with placeholders. Rules refer to codes; [`Finding::law`] renders the
//! catalogue's wording, [`Finding::new`] keeps a rule's own situation-dependent wording and
//! takes the title from the catalogue.

use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::i18n::{current, Lang};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    /// The catalogue's human heading for the code (an addition to CONTRACT's fields).
    #[serde(default)]
    pub title: String,
    pub text: String,
    pub sources: Vec<String>,
    pub unsettled: bool,
    pub because: Vec<String>,
}

/// A text in Swedish and English.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub sv: String,
    pub en: String,
}

impl Words {
    pub fn get(&self) -> &str {
        self.lang(current())
    }
    pub fn lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}

/// One outcome code in `questionnaires/catalogue.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The DOMAIN.md part 1 rule it implements (e.g. `A4`, `B rule 5`).
    pub mark: String,
    pub title: Words,
    pub sources: Vec<String>,
    #[serde(default)]
    pub text: Option<Words>,
}

const CATALOGUE: &str = include_str!("../questionnaires/catalogue.toml");

/// Every outcome code with its words, read once.
pub fn catalogue() -> &'static IndexMap<String, Entry> {
    static C: OnceLock<IndexMap<String, Entry>> = OnceLock::new();
    C.get_or_init(|| {
        toml::from_str(CATALOGUE).expect("questionnaires/catalogue.toml is checked by a unit test")
    })
}

/// The catalogue entry of a code. In unit tests a code without an entry fails the test that
/// fires it, so no rule can speak words the catalogue does not hold.
pub fn entry(code: &str) -> Option<&'static Entry> {
    let e = catalogue().get(code);
    #[cfg(test)]
    assert!(
        e.is_some(),
        "outcome code {code} is fired but has no entry in questionnaires/catalogue.toml"
    );
    e
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

impl Finding {
    /// A finding whose text the rule phrases itself; title from the catalogue.
    pub fn new(code: &str, text: impl Into<String>) -> Self {
        Finding {
            code: code.to_string(),
            title: entry(code)
                .map(|e| e.title.get().to_string())
                .unwrap_or_default(),
            text: text.into(),
            sources: Vec::new(),
            unsettled: false,
            because: Vec::new(),
        }
    }

    /// A finding in the catalogue's words: its text with `vars` filled in, and its sources.
    pub fn law(code: &str, vars: &[(&str, String)]) -> Self {
        let e = entry(code);
        let text = e
            .and_then(|e| e.text.as_ref())
            .map(|w| fill(w.get(), vars))
            .unwrap_or_default();
        let mut f = Finding::new(code, text);
        if let Some(e) = e {
            f.sources = e.sources.clone();
        }
        f
    }

    pub fn sources(mut self, sources: &[&str]) -> Self {
        for s in sources {
            if !self.sources.iter().any(|x| x == s) {
                self.sources.push(s.to_string());
            }
        }
        self
    }

    pub fn because(mut self, keys: &[&str]) -> Self {
        self.because.extend(keys.iter().map(|s| s.to_string()));
        self
    }

    pub fn unsettled(mut self) -> Self {
        self.unsettled = true;
        self
    }

    /// Appends a sentence to the text.
    pub fn and(mut self, more: impl AsRef<str>) -> Self {
        self.text.push_str(more.as_ref());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Must,
    Should,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub code: String,
    pub level: Level,
    pub text: String,
}

impl Action {
    pub fn must(code: &str, text: impl Into<String>) -> Self {
        Action {
            code: code.to_string(),
            level: Level::Must,
            text: text.into(),
        }
    }
    pub fn should(code: &str, text: impl Into<String>) -> Self {
        Action {
            code: code.to_string(),
            level: Level::Should,
            text: text.into(),
        }
    }
}

/// The outcome codes of a list of findings, in order, without repeats.
pub fn outcomes(findings: &[Finding]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in findings {
        if !out.contains(&f.code) {
            out.push(f.code.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unit tests of the rules, as text: every catalogue code must be asserted in them.
    const RULE_TESTS: &[&str] = &[
        include_str!("assessment/account/tests.rs"),
        include_str!("assessment/breach/tests.rs"),
        include_str!("assessment/photo.rs"),
    ];

    #[test]
    fn catalogue_parses_with_titles_sources_and_marks() {
        for (code, e) in catalogue() {
            assert!(!e.title.sv.is_empty() && !e.title.en.is_empty(), "{code}");
            assert!(!e.mark.is_empty(), "{code}");
            if let Some(t) = &e.text {
                assert!(!t.sv.is_empty() && !t.en.is_empty(), "{code}");
                // Placeholders are the same in both languages.
                let names = |s: &str| {
                    let mut v: Vec<String> = s
                        .split('{')
                        .skip(1)
                        .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                        .collect();
                    v.sort();
                    v
                };
                assert_eq!(names(&t.sv), names(&t.en), "{code}");
            }
            for s in &e.sources {
                assert!(
                    !s.contains("DPO decides") && !s.trim().is_empty(),
                    "{code}: {s}"
                );
            }
        }
    }

    #[test]
    fn every_catalogue_entry_is_fired_by_a_unit_test() {
        // Only the test modules count: the part of a file after its first `#[cfg(test)]`.
        let tests: String = RULE_TESTS
            .iter()
            .map(|s| match s.find("#[cfg(test)]") {
                Some(i) => &s[i..],
                None => s,
            })
            .collect();
        let never: Vec<&String> = catalogue()
            .keys()
            .filter(|code| !tests.contains(&format!("\"{code}\"")))
            .collect();
        assert!(
            never.is_empty(),
            "catalogue entries no unit test fires (asserts): {never:?}"
        );
    }

    #[test]
    fn law_fills_placeholders_and_takes_the_sources() {
        let f = Finding::law("ADMINS-TOO-FEW", &[("admins", "1".into())]);
        assert!(f.text.contains('1') && !f.text.contains("{admins}"));
        assert_eq!(f.sources, catalogue()["ADMINS-TOO-FEW"].sources);
        assert!(!f.title.is_empty());
    }
}
