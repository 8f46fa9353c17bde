//! The built-in platform table (`questionnaires/platforms.toml`), read once.

use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub name: String,
    pub parent: String,
    pub parent_country: String,
    /// yes | no | unknown | not_applicable
    pub dpf: String,
    pub dpf_verified: bool,
    /// The platform offers a joint-controller arrangement for its statistics.
    pub insights_arrangement: bool,
    #[serde(default)]
    pub addendum: Option<String>,
    #[serde(default)]
    pub addendum_verified: bool,
}

pub fn table() -> &'static IndexMap<String, Platform> {
    static TABLE: OnceLock<IndexMap<String, Platform>> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("../../questionnaires/platforms.toml"))
            .expect("questionnaires/platforms.toml is checked by a unit test")
    })
}

pub fn get(id: &str) -> &'static Platform {
    table().get(id).unwrap_or_else(|| &table()["other"])
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_parses_and_covers_every_platform_choice() {
        let q = crate::questionnaire::Questionnaire::load("account").unwrap();
        for c in &q.question("account.platform").unwrap().choices {
            assert!(
                super::table().contains_key(c),
                "{c} missing from platforms.toml"
            );
        }
    }
}
